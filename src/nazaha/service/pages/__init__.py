"""Server-rendered pages for voters, observers and officials."""
