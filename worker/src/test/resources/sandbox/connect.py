# Hostile recipe: tries to reach a service on the host over TCP (HOST_PORT) and says whether it could.
import os, socket
s = socket.create_connection(("127.0.0.1", int(os.environ["HOST_PORT"])), timeout=5)
s.sendall(b"leaked\n")
print("connected to the host")
