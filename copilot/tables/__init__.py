"""Exact question answering over plant spreadsheets.

store (CSV/XLSX -> SQLite + profiles) -> planner (table choice, schema-constrained plan) ->
plan (validation) -> execute (bound parameters, value matching) -> answer (composed text, citations).
Entry point for agents: :class:`copilot.tables.service.TableQA`.
"""
