"""The Faust shell: one module per agent, each moving events between topics and the core."""
