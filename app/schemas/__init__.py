"""Input and output shapes of the node's operations, validated at the edge with pydantic."""
