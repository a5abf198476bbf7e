"""The vocabulary as data: action catalog, T-Library enums, call results, dial modes, stat types.

Engines read these tables; no action or enum name is spelled out in an if-chain.
"""
