# Only the request is checked, as if ACLs were stateful.
def _acls_allow(description, client, server, protocol, port, back, client_ip, server_ip):
    if client and server and client["SubnetId"] == server["SubnetId"]:
        return True
    request = [(client, True, server_ip, port), (server, False, client_ip, port)]
    return all(_acl_allows(description, end["SubnetId"], egress, protocol, address, p)
               for end, egress, address, p in request if end)
