"""Planning: desired tree + observed state -> the changes to make (pure)."""
