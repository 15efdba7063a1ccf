// The H2RPC module: see ../shared/DESIGN.md. Its sources arrive with its issue.
