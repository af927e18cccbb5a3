"""Who is calling: ``GET /v1/me`` describes the caller token a request carries (the console's sign-in)."""
