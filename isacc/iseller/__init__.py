"""isacc's side of iSeller's own API (iseller-api.md): OAuth on isellershop.com, then the
store's Public API v2 and ERP API on the host the token answer names (resource_url)."""
