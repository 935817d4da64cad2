//! What a select list is: the default one, `select(…)`'s, `DISTINCT ON`, structs with
//! `#[derive(Selectable)]`, tuples; and how a row decodes into Rust values.
use super::*;

/// Select list of a query without `select`: every column of the FROM clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultSelect;

/// Select list set by `select(…)`; `R` decodes its rows.
#[derive(Debug, Clone, Copy)]
pub struct SelectClause<S, R> {
    items: S,
    _row: PhantomData<R>,
}

/// How `select` replaces a select list, keeping a `DISTINCT ON` in front of it.
pub trait SetSelection<S, I> {
    /// The select list after `select(S)`.
    type Output;
    /// Sets the selection.
    fn set(self, selection: S) -> Self::Output;
}

impl<S, I> SetSelection<S, I> for DefaultSelect {
    type Output = SelectClause<S, I>;
    fn set(self, items: S) -> Self::Output {
        SelectClause {
            items,
            _row: PhantomData,
        }
    }
}

impl<S0, I0, S, I> SetSelection<S, I> for SelectClause<S0, I0> {
    type Output = SelectClause<S, I>;
    fn set(self, items: S) -> Self::Output {
        SelectClause {
            items,
            _row: PhantomData,
        }
    }
}

impl<E, X: SetSelection<S, I>, S, I> SetSelection<S, I> for DistinctOn<E, X> {
    type Output = DistinctOn<E, X::Output>;
    fn set(self, selection: S) -> Self::Output {
        DistinctOn {
            on: self.on,
            select: self.select.set(selection),
        }
    }
}

/// `DISTINCT ON (on)` in front of the select list `S` (PostgreSQL only).
#[derive(Debug, Clone, Copy)]
pub struct DistinctOn<E, S> {
    pub(super) on: E,
    pub(super) select: S,
}

#[cfg(feature = "postgres")]
impl<E, S, DB: crate::expr::IsPostgres> crate::expr::SupportedBy<DB> for DistinctOn<E, S> {}

impl<F, E, S, DB> SelectClauseFragment<F, DB> for DistinctOn<E, S>
where
    Self: crate::expr::SupportedBy<DB>,
    E: QueryFragment<DB>,
    S: SelectClauseFragment<F, DB>,
    DB: Backend,
{
    const DISTINCT_ON: bool = true;

    fn walk_select<'a>(&'a self, from: &'a F, out: &mut SqlWriter<'a>) {
        out.push_sql("DISTINCT ON (");
        self.on.walk(out);
        out.push_sql(") ");
        self.select.walk_select(from, out);
    }
}

impl<S, I> SelectClause<S, I> {
    pub(crate) fn into_items(self) -> S {
        self.items
    }
}

/// A select list of one expression, whose SQL type a scalar subquery takes.
#[diagnostic::on_unimplemented(
    message = "`single_value` needs a query that selects one expression",
    label = "select one expression first: `.select(count_star())`"
)]
pub trait SelectedExpression {
    /// The expression's SQL type.
    type SqlType: SqlType;
}

impl<S: Expression, I> SelectedExpression for SelectClause<S, I> {
    type SqlType = S::SqlType;
}

/// A select list checked against a new GROUP BY list `GB`, when `group_by` comes after
/// `select`.
pub trait SelectionGrouping<GB, IG> {}

impl<GB> SelectionGrouping<GB, ()> for DefaultSelect {}

impl<S: ValidGrouping<GB, IG>, I, GB, IG> SelectionGrouping<GB, IG> for SelectClause<S, I> {}

impl<E, X: SelectionGrouping<GB, IG>, GB, IG> SelectionGrouping<GB, IG> for DistinctOn<E, X> {}

/// Decodes one row's values, starting at column `*idx`, into [`Output`](Self::Output).
pub trait DecodeRow {
    /// The Rust value a row decodes into.
    type Output;
    /// How many columns it reads.
    const WIDTH: usize;
    /// Decodes from `row`, advancing `idx` past the columns read.
    fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self::Output>;
}

impl<ST> DecodeRow for ST
where
    ST: SqlType,
    ST::Rust: FromSql<ST>,
{
    type Output = ST::Rust;
    const WIDTH: usize = 1;
    #[inline]
    fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<ST::Rust> {
        decode_value::<ST, ST::Rust, R>(row, idx)
    }
}

/// Decodes the value at `*idx` as SQL type `ST` into `T`, naming the column on failure.
#[inline]
pub fn decode_value<ST: SqlType, T: FromSql<ST>, R: Row>(
    row: &R,
    idx: &mut usize,
) -> QueryResult<T> {
    let i = *idx;
    *idx += 1;
    let result = match row.value(i) {
        Some(value) => T::from_sql(value),
        None => Err(crate::types::DecodeError::MissingColumn),
    };
    result.map_err(|e| Error::decode(row, i, ST::NAME, e))
}

/// What `select` accepts in a query reading from `QS`: an expression, a tuple of them,
/// or a struct's columns; `Row` decodes what it returns.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected from this query",
    label = "each item must be a column or expression of a table in the FROM clause, or `Type::as_select()`",
    note = "the FROM clause is the first parameter of `SelectList<…>` above: read each `Entry<T, …>` in it as table `T`"
)]
pub trait SelectList<QS, I> {
    /// Decodes the rows of the selection.
    type Row: DecodeRow;
}
/// Expressions select as their SQL type. One impl per expression type (columns get
/// theirs from `table!`) rather than a blanket impl, so that a tuple or a struct that
/// cannot be selected is reported at the offending item.
macro_rules! expression_select_list {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        impl<QS, I, $($param),*> SelectList<QS, I> for $ty<$($param),*>
        where
            Self: Expression + ValidIn<QS, I>,
            <<Self as ValidIn<QS, I>>::Nullability as Nullability>::Apply<
                <Self as Expression>::SqlType,
            >: DecodeRow,
        {
            type Row = <<Self as ValidIn<QS, I>>::Nullability as Nullability>::Apply<
                <Self as Expression>::SqlType,
            >;
        }
    )*};
}

expression_select_list! {
    CaseWhen<ST, Arms, E>;
    SimpleCase<S, ST, Arms, E>;
    Cast<E, T>;
    Neg<E>;
    NotBetween<E, Lo, Hi>;
    Over<W, P, O, Fr>;
    Aggregate<F, E>;
    ScalarSubquery<Q, ST>;
    Coalesce<A, B>;
    FunctionCall<F, Args>;
    Now<>;
    CurrentDate<>;
    DatePart<Open, U, E>;
    AsNullable<E>;
    CountStar<>;
    Binary<Op, L, R>;
    Bound<ST, T>;
    Not<E>;
    IsNull<E>;
    IsNotNull<E>;
    Between<E, Lo, Hi>;
    In<E, ST, T>;
    NotIn<E, ST, T>;
}

/// A struct whose fields are loaded from columns of one table, by
/// `#[derive(Selectable)]`.
pub trait Selectable: Sized {
    /// The table the fields come from.
    type Table: Table;

    /// The SQL names of the struct's columns, in field order.
    #[doc(hidden)]
    const COLUMN_NAMES: &'static [&'static str];

    /// Renders the struct's columns as a select list.
    #[doc(hidden)]
    fn walk_columns(out: &mut SqlWriter<'_>);

    /// Decodes the struct from `row`, starting at `*idx`.
    #[doc(hidden)]
    fn decode_row<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self>;

    /// Selects the struct's columns: `users::table.select(User::as_select())`.
    fn as_select() -> AsSelect<Self> {
        AsSelect(PhantomData)
    }
}

/// Implemented by `#[derive(Selectable)]` for each backend that stores the SQL types of
/// all of the struct's columns (a struct with an `Array` column is PostgreSQL-only).
#[doc(hidden)]
pub trait SupportedColumns<DB> {}

/// The select list of a [`Selectable`] struct.
#[derive(Debug)]
pub struct AsSelect<U>(PhantomData<U>);

impl<U> Clone for AsSelect<U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<U> Copy for AsSelect<U> {}
impl<U: Selectable> ValidGrouping<NoGroupBy, ()> for AsSelect<U> {
    type Kind = Plain;
}

impl<U: Selectable, QS, I> SelectList<QS, I> for AsSelect<U>
where
    QS: Contains<U::Table, I>,
{
    /// `Option<U>` when the table is left-joined.
    type Row = <QS::Nullability as Nullability>::WrapRow<AsSelect<U>>;
}

/// Decodes `R`, or `None` when all its columns are NULL: the row part of a table joined
/// with `left_join` that had no matching row.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalRow<R>(R);

impl<R: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for OptionalRow<R> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.0.walk(out);
    }
}

impl<R: DecodeRow> DecodeRow for OptionalRow<R> {
    type Output = Option<R::Output>;
    const WIDTH: usize = R::WIDTH;
    #[inline]
    fn decode<W: Row>(row: &W, idx: &mut usize) -> QueryResult<Self::Output> {
        let start = *idx;
        let missing = (start..start + R::WIDTH).all(|i| row.value(i).is_none_or(|v| v.is_null()));
        if missing {
            *idx += R::WIDTH;
            Ok(None)
        } else {
            R::decode(row, idx).map(Some)
        }
    }
}

impl<U: Selectable> DecodeRow for AsSelect<U> {
    type Output = U;
    const WIDTH: usize = U::COLUMN_NAMES.len();
    #[inline]
    fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<U> {
        U::decode_row(row, idx)
    }
}

impl<U: Selectable + SupportedColumns<DB>, DB: Backend> QueryFragment<DB> for AsSelect<U> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        U::walk_columns(out);
    }
}

/// Tuples: select lists, ordering terms, row decoders and SQL lists.
macro_rules! tuples {
    ($( ($($t:ident $i:ident),+) ; )*) => {$(
        impl<QS, $($t, $i),+> SelectList<QS, ($($i,)+)> for ($($t,)+)
        where
            $($t: SelectList<QS, $i>),+
        {
            type Row = ($($t::Row,)+);
        }

        impl<$($t: DecodeRow),+> DecodeRow for ($($t,)+) {
            type Output = ($($t::Output,)+);
            const WIDTH: usize = 0 $(+ $t::WIDTH)+;
            #[inline]
            fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self::Output> {
                Ok(($($t::decode(row, idx)?,)+))
            }
        }
        impl<QS, $($t, $i),+> ValidIn<QS, ($($i,)+)> for ($($t,)+)
        where
            $($t: ValidIn<QS, $i>),+
        {
            // Nullable if any element is: the rule of every expression node over
            // operands (`expr::NullableIfAny`). A tuple selected as a list decodes each
            // element by its own nullability instead.
            type Nullability = tuples!(@or $($t),+);
        }

        impl<$($t: OrderTerm),+> OrderTerm for ($($t,)+) {}

        impl<GB, $($t, $i),+> ValidGrouping<GB, ($($i,)+)> for ($($t,)+)
        where
            $($t: ValidGrouping<GB, $i>,)+
            tuples!(@kinds $($t),+): FoldKind<Constant>,
        {
            type Kind = <tuples!(@kinds $($t),+) as FoldKind<Constant>>::Out;
        }

        impl<DB: Backend, $($t: OrderFragment<DB>),+> OrderFragment<DB> for ($($t,)+) {
            #[allow(non_snake_case)]
            fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($($t,)+) = self;
                let mut _first = true;
                $(
                    if !_first {
                        out.push_sql(", ");
                    }
                    _first = false;
                    $t.walk_order(out);
                )+
            }
        }

        impl<DB: Backend, $($t: QueryFragment<DB>),+> QueryFragment<DB> for ($($t,)+) {
            #[allow(non_snake_case)]
            fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($($t,)+) = self;
                let mut _first = true;
                $(
                    if !_first {
                        out.push_sql(", ");
                    }
                    _first = false;
                    $t.walk(out);
                )+
            }
        }
    )*};
    (@kinds $head:ident $(, $rest:ident)*) => { ($head::Kind, tuples!(@kinds $($rest),*)) };
    (@kinds) => { () };
    (@or $head:ident) => { $head::Nullability };
    (@or $head:ident, $($rest:ident),+) => {
        <$head::Nullability as Nullability>::Or<tuples!(@or $($rest),+)>
    };
}

/// The grouping kind of a list of kinds `(A, (B, …))`, combined from `Acc`.
pub trait FoldKind<Acc> {
    /// The combined kind.
    type Out;
}

impl<Acc> FoldKind<Acc> for () {
    type Out = Acc;
}

impl<Acc: Combine<H>, H, T: FoldKind<Acc::Out>> FoldKind<Acc> for (H, T) {
    type Out = T::Out;
}

tuples! {
    (A IA);
    (A IA, B IB);
    (A IA, B IB, C IC);
    (A IA, B IB, C IC, D ID);
    (A IA, B IB, C IC, D ID, E IE);
    (A IA, B IB, C IC, D ID, E IE, F IF);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN, P IP);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN, P IP, Q IQ);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN, P IP, Q IQ, S IS);
}

/// Renders the select list of a query.
pub trait SelectClauseFragment<F, DB> {
    /// Whether the list starts with `DISTINCT ON`.
    const DISTINCT_ON: bool = false;
    /// Whether it is the default select list.
    const IS_DEFAULT: bool = false;

    /// Renders it.
    fn walk_select<'a>(&'a self, from: &'a F, out: &mut SqlWriter<'a>);
}

impl<F: QuerySource, DB: Backend> SelectClauseFragment<F, DB> for DefaultSelect
where
    // Checks that the backend stores every column's type; the SQL itself is static.
    F::DefaultSelection: QueryFragment<DB>,
{
    const IS_DEFAULT: bool = true;

    fn walk_select<'a>(&'a self, from: &'a F, out: &mut SqlWriter<'a>) {
        from.walk_default_selection(out);
    }
}

impl<F, S: QueryFragment<DB>, R, DB: Backend> SelectClauseFragment<F, DB> for SelectClause<S, R> {
    fn walk_select<'a>(&'a self, _from: &'a F, out: &mut SqlWriter<'a>) {
        self.items.walk(out);
    }
}
