"""Who is asking: learners without credentials now; accounts and classes later."""
