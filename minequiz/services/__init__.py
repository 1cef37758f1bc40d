"""Services: plain functions that decide. They take arguments, never the request, and
flush rather than commit, so a view commits one whole change or none of it."""
