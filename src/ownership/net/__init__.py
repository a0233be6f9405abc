"""The one network policy (netpolicy.Session), the HTTP reads under it (httpget) and the checks every HTTP
client's ownership.yaml section shares (httpsettings)."""
