"""The import of the one-stop system's export (nhập từ hệ thống một cửa), CSV or .xlsx.

A map of the package, in the order a file goes through it (imports point down this list):

- `columns`  the columns and their Vietnamese headers; dates, phones; ParsedImport, ImportRow
- `rules`    the ONE rule set (RowRules, RowChecker): `check` of a row, wording every problem,
             and `check_columns` of a well-formed batch, the same rules once per distinct value
- `batches`  a file's rows checked a batch at a time (`parse_chunks`), codes seen across batches
- `sheet`    an .xlsx workbook's first sheet as records
- `csv_reading`  a CSV file as batches of records (all the reading process loads)
- `readers`  CSV and .xlsx behind one reader: `parse_csv`/`parse_xlsx` of bytes, `read_here`
- `reading_process`  the second process that reads a big CSV file while this one writes
- `files`    the one entry for a file: `read_chunks` (here or in the reading process)
- `writer`   `import_chunks`: the checked chunks into the database, all or nothing

Nothing is re-exported here: import from the module that owns a name.
"""
