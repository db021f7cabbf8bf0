# ACLs applied even between two interfaces of one subnet.
def _acls_allow(description, client, server, protocol, port, back, client_ip, server_ip):
    request = [(client, True, server_ip, port), (server, False, client_ip, port)]
    reply = [(server, True, client_ip, back), (client, False, server_ip, back)]
    return all(_acl_allows(description, end["SubnetId"], egress, protocol, address, p)
               for end, egress, address, p in request + reply if end)
