"""Pipeline stage 5 — render: assessments into .docx and HTML."""
