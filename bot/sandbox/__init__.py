"""recallbot's own stand-ins for the services it talks to, as real HTTP servers on 127.0.0.1.

They speak the real wire formats, so the demo and the tests exercise the real client code,
real HTTP, real signatures; nothing in the code under test is patched to skip them.
"""
