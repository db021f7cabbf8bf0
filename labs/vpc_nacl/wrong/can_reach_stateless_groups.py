# Security groups read as stateless: the server's outbound rules must allow the reply too.
def _replies_pass_groups(description, client, server, protocol, port):
    if server is None:
        return True
    address = client["PrivateIpAddress"] if client else "0.0.0.0"
    return _group_allows(description, server, True, protocol, port, address, client)
