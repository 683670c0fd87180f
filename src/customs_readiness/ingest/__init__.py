"""The ingest layer: a data folder into the readiness database, in one transaction.

The pipeline, for each file of the folder:

1. **read** (readers, discover, sources, exports, mapping): the file's headers say
   which contract table(s) it provides: a file named after its table, or an export
   (ACE ES-003, or a layout described by a mapping file) split into several tables.
2. **direct read** (direct): a CSV or Parquet table file's canonical rows (every cell
   already written as it is stored) go straight from the file into their table, typed
   by plain casts and numbered by their place in the file, without a staging copy.
   A CSV export is read so too (exportread): its entries grouped from the file, its
   lines by the typed reader. A file that needs more (an irregular file, a cell that is
   not canonical, an entry whose rows disagree, a workbook) is staged for those rows.
3. **stage** (staging, csvread, readers, textfile, workbook): every cell goes into a
   DuckDB temp table as text, exactly as written (nothing inferred from a sample), a CSV
   record whose cells do not fit the header refused whole; each source is a SQL
   relation over it with contract column names. A text file is also read byte for byte
   (textfile: encoding, record count) and its records checked against what the parser
   read; a workbook's zip container is checked before the XLSX reader opens it.
4. **normalise** (normalize): one SQL rule per column kind types each cell or says why
   the row is refused; the rules run over the whole staged table at once.
5. **load** (loader): good rows go into the contract tables, refused rows verbatim into
   ``rejected_rows``; the manifest (``loads``, ``load_files``) records each file.

Staging comes before normalising: the rules are SQL over the staged text, so a refused
row can be kept as it was written. The direct read inserts only rows that no rule
refuses, so it never needs their text.

Import order (each module imports only modules listed before it):
    textfile, wholefile, workbook, staging, csvread, readers, normalize, checks, mapping, sources, direct, exportread, exports, discover, loader

``textfile``, ``wholefile`` and ``workbook`` import nothing of ingest, ``staging`` only ``textfile``;
``normalize`` only ``csvread`` (the delimiters); ``discover`` is the only module that knows both table files
(``sources``) and exports (``exports``). Outside this package the modules import only
the foundations: ``schema``, ``errors``, ``resources``, ``db`` (``unordered``) and ``speed``
(the loader's background threads, the proof's parallel parts, the commit).
Other layers use the names below; the modules stay importable for tests of one rule.
"""

from .discover import find_sources
from .loader import FileStats, LoadResult, load_folder
from .mapping import load_mapping

__all__ = ["FileStats", "LoadResult", "find_sources", "load_folder", "load_mapping"]
