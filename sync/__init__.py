"""Work-order rules and the push/pull protocol, shared by the server and the field client."""
