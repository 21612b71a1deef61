import sys

print("OK" if sys.implementation.name == "pypy" else "not PyPy")
