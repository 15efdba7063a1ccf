// The H2 module: see ../shared/DESIGN.md. Its sources arrive with its issue.
