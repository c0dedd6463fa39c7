"""The HTTP service: FastAPI app (`factcheck serve`) for communications staff and integrators."""
