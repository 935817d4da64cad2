//! Counting the `$N` parameters of SQL text, so that a statement given the wrong number
//! of values is refused with a clear error before it reaches the server.

/// The highest `$N` placeholder in `sql`, outside string literals, quoted identifiers,
/// dollar-quoted strings and comments; 0 when there is none.
pub(super) fn highest_placeholder(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut highest = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => i = skip_quoted(bytes, i, b'\''),
            b'"' => i = skip_quoted(bytes, i, b'"'),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i),
            b'$' => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let after_word = i > 0 && is_word(bytes[i - 1]);
                if digits > 0 && !after_word {
                    let n = sql[i + 1..i + 1 + digits].parse().unwrap_or(usize::MAX);
                    highest = highest.max(n);
                    i += 1 + digits;
                } else if !after_word {
                    i = skip_dollar_quoted(bytes, i);
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    highest
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Skips a literal opened by `quote` at `start` (a doubled quote stays inside); for
/// `E'…'` strings, a backslash escapes the next byte.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let escapes = quote == b'\'' && start > 0 && matches!(bytes[start - 1], b'E' | b'e');
    let mut i = start + 1;
    while i < bytes.len() {
        if escapes && bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Skips a `/* … */` comment; PostgreSQL's nest.
fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Skips `$tag$ … $tag$` starting at the `$` at `start`, or just the `$` when it opens
/// no dollar quote. The tag follows PostgreSQL's rules for it: empty, or a letter or
/// `_` followed by letters, digits and `_` (bytes of multi-byte characters count as
/// letters), never a `$`.
fn skip_dollar_quoted(bytes: &[u8], start: usize) -> usize {
    let tag_len = match bytes.get(start + 1) {
        Some(&first) if is_word(first) && !first.is_ascii_digit() => bytes[start + 1..]
            .iter()
            .take_while(|&&b| is_word(b))
            .count(),
        _ => 0,
    };
    let close = start + 1 + tag_len;
    if bytes.get(close) != Some(&b'$') {
        return start + 1;
    }
    let tag = &bytes[start..=close];
    bytes[close + 1..]
        .windows(tag.len())
        .position(|w| w == tag)
        .map_or(bytes.len(), |n| close + 1 + n + tag.len())
}

#[cfg(test)]
mod tests {
    use super::highest_placeholder;

    #[test]
    fn counts_placeholders_in_code_only() {
        assert_eq!(highest_placeholder("SELECT 1"), 0);
        assert_eq!(highest_placeholder("SELECT $2, $1, $2"), 2);
        assert_eq!(highest_placeholder("SELECT '$5', \"$6\", $1"), 1);
        assert_eq!(highest_placeholder("SELECT 'it''s $9', $3 -- $8\n, $2"), 3);
        assert_eq!(highest_placeholder("SELECT /* $7 /* $8 */ */ $1"), 1);
        assert_eq!(
            highest_placeholder("SELECT $$ $9 $$, $body$ $8 $body$, $4"),
            4
        );
        assert_eq!(highest_placeholder("SELECT E'\\' $5', $1"), 1);
        assert_eq!(highest_placeholder("SELECT a$1 FROM t WHERE x = $12"), 12);
    }

    #[test]
    fn dollar_quote_tags_follow_postgres_rules() {
        // A tag may hold digits after its first character.
        assert_eq!(highest_placeholder("SELECT $a1$ $5 $a1$, $1"), 1);
        assert_eq!(highest_placeholder("SELECT $tag_2$ $9 $tag_2$"), 0);
        assert_eq!(highest_placeholder("SELECT $_$ $5 $_$, $2"), 2);
        assert_eq!(highest_placeholder("SELECT $_1$ $5 $_1$, $2"), 2);
        assert_eq!(highest_placeholder("SELECT $$ $5 $$, $2"), 2);
        assert_eq!(highest_placeholder("SELECT $é$ $5 $é$, $1"), 1);
        // Another tag inside a quote is text; only the opening tag closes it.
        assert_eq!(
            highest_placeholder("SELECT $outer$ $inner$ $7 $inner$ $a$ $8 $outer$, $3"),
            3
        );
        assert_eq!(highest_placeholder("SELECT $a$ $a1$ $6 $a$, $1"), 1);
        // `$1$` starts with a digit: a parameter followed by a `$`, not a tag.
        assert_eq!(highest_placeholder("SELECT $1$ $4"), 4);
        // An unterminated quote runs to the end of the text.
        assert_eq!(highest_placeholder("SELECT $1, $q1$ $5"), 1);
        assert_eq!(highest_placeholder("SELECT $2, $$ $5"), 2);
        // A `$` that opens no quote is skipped.
        assert_eq!(highest_placeholder("SELECT $ $a $3"), 3);
    }
}
