//! `COPY` on PostgreSQL: typed rows in ([`PgConnection::copy_in`]) and out
//! ([`PgConnection::copy_out`]) in COPY's binary format, and COPY data in any format the
//! caller writes or reads ([`PgConnection::copy_in_raw`], [`PgConnection::copy_out_raw`]).
//!
//! The binary format is a header (signature, flags, extension length), then per row a
//! 16-bit field count and per field a 32-bit length (-1 for NULL) and the value in its
//! type's binary form — the form parameters and results already travel in, so the
//! existing encoder and decoders serve. The format does not convert between types: the
//! target columns (or the query) are described first, and a value whose type is not
//! the column's is an error before it is sent.

use super::driver::c_sql;
use super::raw::{Oid, RawResult};
use super::raw_copy::CopyState;
use super::types::{Place, encode_given, is_text, type_name};
use super::{Pg, PgConnection, PgValue};
use crate::conn::{Connection, Row, RowOf};
use crate::error::{Error, QueryResult};
use crate::query::{
    AsQuery, BindSink, CompleteInsert, DecodeRow, InsertRows, InsertValues, Query, QueryFragment,
    SqlWriter, Table, render,
};
use crate::types::BindValue;
use std::ffi::CStr;
use std::io::{Read, Write};
use std::ops::Range;

/// The binary format's signature, the first 11 bytes of the stream.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// How much COPY data is gathered before it is handed to libpq.
const CHUNK: usize = 64 * 1024;

impl PgConnection {
    /// Copies `rows` into `table` with `COPY … FROM STDIN (FORMAT binary)`, and returns
    /// the number of rows copied.
    ///
    /// `rows` is what [`insert_into(table).values(…)`](crate::insert_into) takes: a
    /// `#[derive(Insertable)]` struct or a tuple of `column.eq(value)`, or a `Vec` or
    /// slice of them, checked against the table in the same way (a NOT NULL column
    /// without a default must be given). Each value travels in PostgreSQL's binary
    /// format, as a bind parameter would; a value's SQL type must be its column's type
    /// in the database, since COPY does not convert.
    ///
    /// All or nothing: a value that cannot be encoded, or a row the server rejects (a
    /// constraint violation), fails the whole COPY, and no row of it is kept. Rows that
    /// leave out different columns (an `Option` field of a column with a default) go
    /// in as one COPY per run of rows alike, all in one transaction. Inside an open
    /// transaction, a failed COPY leaves that transaction failed, as any failed
    /// statement does.
    pub fn copy_in<T, V, I>(&mut self, table: T, rows: V) -> QueryResult<usize>
    where
        T: Table + CompleteInsert<V::Columns, I>,
        V: InsertValues<T> + InsertRows<Pg>,
    {
        let _ = table;
        self.check_usable()?;
        let count = rows.row_count();
        let mut runs: Vec<(Range<usize>, u64)> = Vec::new();
        for row in 0..count {
            let omitted = rows.omitted(row);
            match runs.last_mut() {
                Some((run, o)) if *o == omitted => run.end = row + 1,
                _ => runs.push((row..row + 1, omitted)),
            }
        }
        match runs.as_slice() {
            [] => Ok(0),
            [(run, omitted)] => self.copy_in_run::<T, V>(&rows, run.clone(), *omitted),
            many => self.transaction(|conn| {
                many.iter()
                    .map(|(run, omitted)| conn.copy_in_run::<T, V>(&rows, run.clone(), *omitted))
                    .sum()
            }),
        }
    }

    /// One `COPY` of rows `run`, all of which leave out the columns in `omitted`.
    fn copy_in_run<T, V>(&mut self, rows: &V, run: Range<usize>, omitted: u64) -> QueryResult<usize>
    where
        T: Table,
        V: InsertValues<T> + InsertRows<Pg>,
    {
        let mut columns = SqlWriter::new::<Pg>();
        V::walk_columns(omitted, &mut columns);
        if columns.sql().is_empty() {
            return Err(Error::InvalidQuery(format!(
                "COPY needs at least one column, and these rows leave every column of `{}` \
                 to its default: insert them with `insert_into`",
                T::NAME
            )));
        }
        let target = self.describe(&format!("SELECT {} FROM {}", columns.sql(), T::QUOTED))?;
        let mut encoder = Encoder::new(T::NAME, &target);
        let sql = format!(
            "COPY {} ({}) FROM STDIN (FORMAT binary)",
            T::QUOTED,
            columns.sql()
        );
        self.driver.raw.start_copy(&c_sql(&sql)?, CopyState::In)?;
        let sent = self.send_rows::<T, V>(rows, run, omitted, &mut encoder);
        self.end_copy_in(sent)
    }

    /// Encodes and sends rows `run` and the trailer; the first failure stops it.
    fn send_rows<T, V>(
        &self,
        rows: &V,
        run: Range<usize>,
        omitted: u64,
        encoder: &mut Encoder<'_>,
    ) -> Result<(), Stopped>
    where
        V: InsertValues<T> + InsertRows<Pg>,
    {
        // Rows of assignments give their values only by rendering them; a row whose
        // SQL is exactly one placeholder per column has nothing but values.
        let placeholders = (!V::BINDS_ROWS).then(|| {
            let mut out = SqlWriter::new::<Pg>();
            out.push_placeholders(encoder.columns() as u32);
            out.sql().to_owned()
        });
        let mut writer = SqlWriter::new::<Pg>();
        for row in run {
            encoder.start_row();
            match &placeholders {
                None => rows.bind_row(row, omitted, encoder),
                Some(expected) => {
                    writer.clear();
                    rows.walk_row(row, omitted, &mut writer);
                    if writer.sql() != expected {
                        return Err(Stopped::Data(Error::InvalidQuery(format!(
                            "COPY takes values, and a row for `{}` holds SQL expressions \
                             (`{}`): insert it with `insert_into`",
                            encoder.table,
                            writer.sql()
                        ))));
                    }
                    for value in writer.binds() {
                        encoder.bind(value.clone());
                    }
                }
            }
            encoder.end_row().map_err(Stopped::Data)?;
            if encoder.buf.len() >= CHUNK {
                self.driver
                    .raw
                    .put_copy_data(&encoder.buf)
                    .map_err(Stopped::Libpq)?;
                encoder.buf.clear();
            }
        }
        encoder.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.driver
            .raw
            .put_copy_data(&encoder.buf)
            .map_err(Stopped::Libpq)
    }

    /// Ends a `COPY FROM STDIN` whose data was all sent, or stopped, reads the request
    /// to its end, and returns the number of rows copied or the error that matters:
    /// the client's own for data it could not send (the server is told to fail the
    /// COPY), the server's when it stopped taking data.
    fn end_copy_in(&mut self, sent: Result<(), Stopped>) -> QueryResult<usize> {
        let failure: Option<&CStr> = matches!(sent, Err(Stopped::Data(_))).then_some(
            c"quarry stopped the COPY: a row could not be sent (the client has the error)",
        );
        let ended = self.driver.raw.put_copy_end(failure);
        let result = self.driver.raw.finish();
        match sent {
            Err(Stopped::Data(error)) => Err(error),
            Err(Stopped::Libpq(error)) => {
                result?;
                Err(error)
            }
            Ok(()) => {
                let result = result?;
                ended?;
                Ok(result.affected_rows())
            }
        }
    }

    /// Runs `query` with `COPY (…) TO STDOUT (FORMAT binary)` and returns its rows,
    /// decoded as [`load`](crate::conn::RunQueryDsl::load) would decode them.
    ///
    /// COPY takes no bind parameters and quarry never writes values into SQL text, so
    /// a query with values in it (a `filter(column.eq(5))`, a `limit`) is an
    /// [`Error::InvalidQuery`]: run it with `load`.
    pub fn copy_out<Q>(&mut self, query: Q) -> QueryResult<Vec<RowOf<Q>>>
    where
        Q: AsQuery,
        Q::Query: QueryFragment<Pg>,
    {
        let mut rows = Vec::new();
        self.copy_out_each(query, |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    /// Like [`copy_out`](Self::copy_out), but hands each row to `f` as it is decoded,
    /// without holding them all; returns the number of rows. An error from `f` stops
    /// the decoding (the rest of the COPY's data is read and dropped) and is returned.
    pub fn copy_out_each<Q, F>(&mut self, query: Q, mut f: F) -> QueryResult<usize>
    where
        Q: AsQuery,
        Q::Query: QueryFragment<Pg>,
        F: FnMut(RowOf<Q>) -> QueryResult<()>,
    {
        self.check_usable()?;
        let query = query.into_query();
        let out = render::<Pg, Q::Query>(&query);
        if !out.binds().is_empty() {
            return Err(Error::InvalidQuery(format!(
                "copy_out cannot run a query with values in it ({} bind parameters): COPY \
                 takes no parameters, and quarry never writes values into SQL text; \
                 run it with `load`",
                out.binds().len()
            )));
        }
        let described = self.describe(out.sql())?;
        let types = (0..described.columns())
            .map(|c| described.column_type(c))
            .collect();
        let mut reader = Reader::new(Some(&described), types);
        let sql = format!("COPY ({}) TO STDOUT (FORMAT binary)", out.sql());
        self.driver.raw.start_copy(&c_sql(&sql)?, CopyState::Out)?;
        let mut count = 0;
        let mut failure = None;
        let received = loop {
            match self.driver.raw.get_copy_data() {
                Ok(Some(data)) if failure.is_none() => {
                    let decoded = reader.feed(&data, &mut |row: &CopyRow<'_>| {
                        count += 1;
                        f(<<Q::Query as Query>::Row as DecodeRow>::decode(
                            row, &mut 0,
                        )?)
                    });
                    failure = decoded.err();
                }
                // After a failure, the rest is read only to end the COPY.
                Ok(Some(_)) => {}
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        let result = self.driver.raw.finish();
        if let Some(error) = failure {
            return Err(error);
        }
        received?;
        result?;
        reader.finished()?;
        Ok(count)
    }

    /// Runs `copy_sql`, a `COPY … FROM STDIN` in any format (text, CSV, binary), with
    /// the bytes `data` reads as its data, and returns the number of rows copied.
    ///
    /// The data is sent as it is read, in pieces of 64 KiB. A read error fails the
    /// COPY on the server (nothing of it is kept) and is returned as an
    /// [`Error::InvalidQuery`]. A `copy_sql` that is not a `COPY … FROM STDIN` is an
    /// error too (after it has run, as `batch_execute` would run it).
    pub fn copy_in_raw<R: Read>(&mut self, copy_sql: &str, mut data: R) -> QueryResult<usize> {
        self.check_usable()?;
        self.driver
            .raw
            .start_copy(&c_sql(copy_sql)?, CopyState::In)?;
        let mut buf = vec![0; CHUNK];
        let sent = loop {
            match data.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => {
                    if let Err(e) = self.driver.raw.put_copy_data(&buf[..n]) {
                        break Err(Stopped::Libpq(e));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    break Err(Stopped::Data(Error::InvalidQuery(format!(
                        "reading the COPY data failed: {e}"
                    ))));
                }
            }
        };
        self.end_copy_in(sent)
    }

    /// Runs `copy_sql`, a `COPY … TO STDOUT` in any format, writes its data to `out`
    /// as it arrives, and returns the number of rows copied. A write error is returned
    /// as an [`Error::InvalidQuery`] once the COPY has ended (the rest of its data is
    /// dropped).
    pub fn copy_out_raw<W: Write>(&mut self, copy_sql: &str, mut out: W) -> QueryResult<usize> {
        self.check_usable()?;
        self.driver
            .raw
            .start_copy(&c_sql(copy_sql)?, CopyState::Out)?;
        let mut failure = None;
        let received = loop {
            match self.driver.raw.get_copy_data() {
                Ok(Some(data)) if failure.is_none() => failure = out.write_all(&data).err(),
                Ok(Some(_)) => {}
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        let result = self.driver.raw.finish();
        if let Some(e) = failure.or_else(|| out.flush().err()) {
            return Err(Error::InvalidQuery(format!(
                "writing the COPY data failed: {e}"
            )));
        }
        received?;
        Ok(result?.affected_rows())
    }

    /// The error for a lost connection, before anything is sent on it.
    fn check_usable(&self) -> QueryResult<()> {
        if self.is_broken() {
            return Err(Error::Connection(
                "the connection to PostgreSQL is lost; establish a new one".into(),
            ));
        }
        Ok(())
    }

    /// The result columns of `sql` (names and types), without running it: prepared as
    /// the unnamed statement and described.
    fn describe(&mut self, sql: &str) -> QueryResult<RawResult> {
        self.driver.raw.send_prepare(c"", &c_sql(sql)?, &[])?;
        self.driver.raw.finish()?;
        self.driver.raw.send_describe_prepared(c"")?;
        self.driver.raw.finish()
    }
}

/// Why sending COPY data stopped.
enum Stopped {
    /// The client could not send a row: this error, which the server is told of.
    Data(Error),
    /// libpq took no more data (the server failed the COPY, or the connection is
    /// lost): the request's result says why, unless it is this error.
    Libpq(Error),
}

/// Writes rows in COPY's binary format, checking each value's type against its
/// column's.
struct Encoder<'d> {
    table: &'static str,
    /// The target columns, described.
    target: &'d RawResult,
    types: Vec<Oid>,
    buf: Vec<u8>,
    /// The column of the next value in the current row.
    column: usize,
    /// The first failure in the current row; later values are ignored.
    error: Option<Error>,
}

impl<'d> Encoder<'d> {
    fn new(table: &'static str, target: &'d RawResult) -> Self {
        let types = (0..target.columns())
            .map(|c| target.column_type(c))
            .collect();
        let mut buf = Vec::with_capacity(CHUNK + CHUNK / 4);
        buf.extend_from_slice(SIGNATURE);
        // No flags (no OIDs), no header extension.
        buf.extend_from_slice(&0i32.to_be_bytes());
        buf.extend_from_slice(&0i32.to_be_bytes());
        Encoder {
            table,
            target,
            types,
            buf,
            column: 0,
            error: None,
        }
    }

    fn columns(&self) -> usize {
        self.types.len()
    }

    fn column_name(&self, column: usize) -> &str {
        self.target.column_name(column).unwrap_or("?")
    }

    fn start_row(&mut self) {
        self.column = 0;
        // At most 64 columns (`InsertValues::COLUMN_COUNT`), so the count fits.
        self.buf
            .extend_from_slice(&(self.types.len() as i16).to_be_bytes());
    }

    fn end_row(&mut self) -> QueryResult<()> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if self.column != self.types.len() {
            return Err(Error::InvalidQuery(format!(
                "a row for `{}` gave {} values for {} columns",
                self.table,
                self.column,
                self.types.len()
            )));
        }
        Ok(())
    }

    /// Appends one field: its length, then its bytes.
    fn field(&mut self, value: BindValue<'_>) -> QueryResult<()> {
        let column = self.column;
        self.column += 1;
        let Some(&expected) = self.types.get(column) else {
            return Ok(()); // counted, and reported by `end_row`
        };
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        let (oid, place) = encode_given(value, &mut self.buf).map_err(|e| match e {
            Error::InvalidQuery(why) => Error::InvalidQuery(format!(
                "column `{}` of `{}`: {why}",
                self.column_name(column),
                self.table
            )),
            other => other,
        })?;
        // NULL (OID 0) fits any column; text fits every text type (same binary form).
        if oid != 0 && oid != expected && !(is_text(oid) && is_text(expected)) {
            return Err(Error::InvalidQuery(format!(
                "column `{}` of `{}` is {} in the database, but the row gives a {} value, \
                 and COPY does not convert: declare the column with its database type in `table!`",
                self.column_name(column),
                self.table,
                type_name(expected),
                type_name(oid)
            )));
        }
        let len = match place {
            Place::Null => -1,
            Place::Borrowed(bytes) => {
                self.buf.extend_from_slice(bytes);
                field_len(bytes.len())?
            }
            Place::Encoded { len, .. } => field_len(len)?,
        };
        self.buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }
}

fn field_len(len: usize) -> QueryResult<i32> {
    i32::try_from(len).map_err(|_| Error::InvalidQuery("a value is larger than 2 GiB".into()))
}

impl<'a> BindSink<'a> for Encoder<'_> {
    fn bind(&mut self, value: BindValue<'a>) {
        if self.error.is_none() {
            if let Err(error) = self.field(value) {
                self.error = Some(error);
            }
        } else {
            self.column += 1;
        }
    }
}

/// Reads rows in COPY's binary format from the pieces of data libpq hands over.
struct Reader<'d> {
    /// The query's columns, described (for their names).
    described: Option<&'d RawResult>,
    types: Vec<Oid>,
    header_read: bool,
    trailer_read: bool,
    /// The start of a row that the last piece cut off.
    pending: Vec<u8>,
    /// Where the current row's fields are in its piece.
    fields: Vec<Option<Range<usize>>>,
}

impl<'d> Reader<'d> {
    fn new(described: Option<&'d RawResult>, types: Vec<Oid>) -> Self {
        Reader {
            described,
            types,
            header_read: false,
            trailer_read: false,
            pending: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// Reads the rows `data` completes, calling `each` with every one.
    fn feed(
        &mut self,
        data: &[u8],
        each: &mut dyn FnMut(&CopyRow<'_>) -> QueryResult<()>,
    ) -> QueryResult<()> {
        if self.pending.is_empty() {
            let used = self.read(data, each)?;
            self.pending.extend_from_slice(&data[used..]);
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(data);
            let used = self.read(&joined, each)?;
            joined.drain(..used);
            self.pending = joined;
        }
        Ok(())
    }

    /// Reads the complete rows at the start of `data`; returns how many bytes they
    /// took.
    fn read(
        &mut self,
        data: &[u8],
        each: &mut dyn FnMut(&CopyRow<'_>) -> QueryResult<()>,
    ) -> QueryResult<usize> {
        let mut pos = 0;
        if !self.header_read {
            let Some(extension) = be_i32(data, 15) else {
                return Ok(0);
            };
            if &data[..11] != SIGNATURE {
                return Err(malformed("the signature is missing"));
            }
            let flags = be_i32(data, 11).unwrap_or(0);
            // Bit 16: rows carry OIDs, which quarry never asks for; bits 17–31 are
            // critical flags a reader must understand.
            if flags as u32 & 0xFFFF_0000 != 0 {
                return Err(malformed("the header has flags quarry does not know"));
            }
            let extension = usize::try_from(extension)
                .map_err(|_| malformed("the header extension has a negative length"))?;
            if data.len() < 19 + extension {
                return Ok(0);
            }
            pos = 19 + extension;
            self.header_read = true;
        }
        while pos < data.len() {
            if self.trailer_read {
                return Err(malformed("data follows the trailer"));
            }
            let Some(count) = be_i16(data, pos) else {
                return Ok(pos);
            };
            if count == -1 {
                self.trailer_read = true;
                pos += 2;
                continue;
            }
            if usize::try_from(count).ok() != Some(self.types.len()) {
                return Err(malformed(&format!(
                    "a row has {count} fields where the query has {} columns",
                    self.types.len()
                )));
            }
            let mut at = pos + 2;
            self.fields.clear();
            for _ in 0..self.types.len() {
                let Some(len) = be_i32(data, at) else {
                    return Ok(pos);
                };
                at += 4;
                if len == -1 {
                    self.fields.push(None);
                    continue;
                }
                let len =
                    usize::try_from(len).map_err(|_| malformed("a field has a negative length"))?;
                if data.len() - at < len {
                    return Ok(pos);
                }
                self.fields.push(Some(at..at + len));
                at += len;
            }
            each(&CopyRow {
                data,
                fields: &self.fields,
                types: &self.types,
                described: self.described,
            })?;
            pos = at;
        }
        Ok(pos)
    }

    /// Checks that the stream ended where it should, after its trailer.
    fn finished(&self) -> QueryResult<()> {
        if self.trailer_read && self.pending.is_empty() {
            Ok(())
        } else {
            Err(malformed("the data ended before its trailer"))
        }
    }
}

fn malformed(what: &str) -> Error {
    Error::InvalidQuery(format!(
        "malformed binary COPY data from the server: {what}"
    ))
}

fn be_i16(data: &[u8], at: usize) -> Option<i16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(i16::from_be_bytes(bytes.try_into().ok()?))
}

fn be_i32(data: &[u8], at: usize) -> Option<i32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(i32::from_be_bytes(bytes.try_into().ok()?))
}

/// One row of binary COPY data, decoded as a result row is.
struct CopyRow<'r> {
    data: &'r [u8],
    fields: &'r [Option<Range<usize>>],
    types: &'r [Oid],
    described: Option<&'r RawResult>,
}

impl Row for CopyRow<'_> {
    type Value<'v>
        = PgValue<'v>
    where
        Self: 'v;

    fn len(&self) -> usize {
        self.types.len()
    }

    fn value(&self, idx: usize) -> Option<PgValue<'_>> {
        let oid = *self.types.get(idx)?;
        let field = self.fields.get(idx)?;
        Some(PgValue {
            bytes: field.clone().map(|range| &self.data[range]),
            oid,
        })
    }

    fn column_name(&self, idx: usize) -> Option<&str> {
        self.described?.column_name(idx)
    }
}

#[cfg(test)]
mod tests {
    use super::super::types::oid;
    use super::*;
    use crate::types::SqlValue;

    #[test]
    fn be_reads_stop_at_the_end() {
        assert_eq!(be_i16(&[0, 7], 0), Some(7));
        assert_eq!(be_i16(&[0], 0), None);
        assert_eq!(be_i32(&[0, 0, 1, 0], 0), Some(256));
        assert_eq!(be_i32(&[0, 0, 1], 0), None);
        assert_eq!(be_i32(&[0, 0, 1], usize::MAX), None);
    }

    /// A binary COPY stream of `(int4, text)` rows, with a header extension.
    fn stream(rows: &[(i32, Option<&str>)]) -> Vec<u8> {
        let mut data = SIGNATURE.to_vec();
        data.extend_from_slice(&0i32.to_be_bytes());
        data.extend_from_slice(&3i32.to_be_bytes());
        data.extend_from_slice(b"ext");
        for (n, text) in rows {
            data.extend_from_slice(&2i16.to_be_bytes());
            data.extend_from_slice(&4i32.to_be_bytes());
            data.extend_from_slice(&n.to_be_bytes());
            match text {
                Some(t) => {
                    data.extend_from_slice(&(t.len() as i32).to_be_bytes());
                    data.extend_from_slice(t.as_bytes());
                }
                None => data.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        data.extend_from_slice(&(-1i16).to_be_bytes());
        data
    }

    /// Feeds `data` in pieces of `piece` bytes; returns the rows read.
    fn read_all(data: &[u8], piece: usize) -> QueryResult<Vec<(i32, Option<String>)>> {
        let mut reader = Reader::new(None, vec![oid::INT4, oid::TEXT]);
        let mut rows = Vec::new();
        for chunk in data.chunks(piece) {
            reader.feed(chunk, &mut |row: &CopyRow<'_>| {
                let n = row.value(0).unwrap().read_i32().unwrap();
                let text = row.value(1).unwrap();
                let text = (!text.is_null()).then(|| text.read_text().unwrap().to_owned());
                rows.push((n, text));
                Ok(())
            })?;
        }
        reader.finished()?;
        Ok(rows)
    }

    #[test]
    fn rows_cut_anywhere_are_read_whole() {
        let data = stream(&[(7, Some("seven")), (-1, None), (0, Some(""))]);
        let expected = vec![
            (7, Some("seven".to_owned())),
            (-1, None),
            (0, Some(String::new())),
        ];
        for piece in [1, 2, 3, 5, 8, 13, data.len()] {
            assert_eq!(
                read_all(&data, piece).unwrap(),
                expected,
                "pieces of {piece}"
            );
        }
        assert_eq!(read_all(&stream(&[]), 1).unwrap(), []);
    }

    #[test]
    fn malformed_streams_are_errors() {
        let message = |data: &[u8]| read_all(data, 4).unwrap_err().to_string();
        let prefix = "invalid query: malformed binary COPY data from the server: ";
        let mut bad = stream(&[(1, None)]);
        bad[0] = b'X';
        assert_eq!(message(&bad), format!("{prefix}the signature is missing"));
        let good = stream(&[(1, None)]);
        assert_eq!(
            message(&good[..good.len() - 2]),
            format!("{prefix}the data ended before its trailer")
        );
        let mut after = good.clone();
        after.push(0);
        assert_eq!(message(&after), format!("{prefix}data follows the trailer"));
        let mut three = good.clone();
        // The row's field count, after the 19-byte header and its 3-byte extension.
        three[22..24].copy_from_slice(&3i16.to_be_bytes());
        assert_eq!(
            message(&three),
            format!("{prefix}a row has 3 fields where the query has 2 columns")
        );
        let mut negative = good;
        negative[24..28].copy_from_slice(&(-5i32).to_be_bytes());
        assert_eq!(
            message(&negative),
            format!("{prefix}a field has a negative length")
        );
    }
}
