"""Sources: the only stage that touches the network or reads source files."""
