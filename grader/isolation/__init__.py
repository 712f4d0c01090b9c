"""Running student code in isolation: the sandbox, the worker, its client proxy, the wire protocol."""
