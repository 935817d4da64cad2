//! The WHERE and ORDER BY clauses of a statement, HAVING's entry point, and LIMIT and
//! OFFSET.
use super::*;

impl<P> WhereClause<P> {
    pub(crate) fn into_predicate(self) -> P {
        self.0
    }
}

impl<O> OrderClause<O> {
    pub(crate) fn into_terms(self) -> O {
        self.0
    }
}

/// No WHERE clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoWhere;

/// `WHERE predicate`.
#[derive(Debug, Clone, Copy)]
pub struct WhereClause<P>(P);

impl<P> WhereClause<P> {
    pub(crate) fn new(predicate: P) -> Self {
        WhereClause(predicate)
    }

    /// The condition.
    pub(crate) fn predicate(&self) -> &P {
        &self.0
    }
}

/// No ORDER BY clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoOrder;

/// `ORDER BY terms`.
#[derive(Debug, Clone, Copy)]
pub struct OrderClause<O>(pub(super) O);

/// An ORDER BY clause valid in a query grouped by `GB`: its terms name only grouped
/// columns outside aggregates (checked again by `group_by` after `order_by`).
pub trait OrderGrouping<GB, I> {}

impl<GB> OrderGrouping<GB, ()> for NoOrder {}

impl<O: ValidGrouping<GB, I>, GB, I> OrderGrouping<GB, I> for OrderClause<O> {}

/// How a filter joins an existing WHERE clause.
pub trait AddPredicate<P, Op> {
    /// The WHERE clause after adding `P`.
    type Output;
    /// Adds `predicate`.
    fn add(self, predicate: P) -> Self::Output;
}

impl<P, Op> AddPredicate<P, Op> for NoWhere {
    type Output = WhereClause<P>;
    fn add(self, predicate: P) -> WhereClause<P> {
        WhereClause(predicate)
    }
}

impl<W, P, Op> AddPredicate<P, Op> for WhereClause<W> {
    type Output = WhereClause<Binary<Op, W, P>>;
    fn add(self, predicate: P) -> Self::Output {
        WhereClause(Binary::new(self.0, predicate))
    }
}

/// How `then_order_by` extends an ORDER BY clause.
pub trait AddOrder<O> {
    /// The ORDER BY clause after adding `O`.
    type Output;
    /// Adds `term`.
    fn add(self, term: O) -> Self::Output;
}

impl<O> AddOrder<O> for NoOrder {
    type Output = OrderClause<O>;
    fn add(self, term: O) -> OrderClause<O> {
        OrderClause(term)
    }
}

impl<Prev, O> AddOrder<O> for OrderClause<Prev> {
    type Output = OrderClause<(Prev, O)>;
    fn add(self, term: O) -> Self::Output {
        OrderClause((self.0, term))
    }
}

/// Adds a HAVING condition to a grouped FROM clause.
#[diagnostic::on_unimplemented(
    message = "`having` needs a grouped query",
    label = "call `.group_by(…)` before `.having(…)`"
)]
pub trait AddHavingTo<P> {
    /// The FROM clause with the condition added.
    type Output;
    /// Adds it.
    fn add_having(self, condition: P) -> Self::Output;
}

impl<F, G, H: AddHaving<P>, P> AddHavingTo<P> for Grouped<F, G, H> {
    type Output = Grouped<F, G, H::Output>;
    fn add_having(self, condition: P) -> Self::Output {
        Grouped {
            from: self.from,
            group_by: self.group_by,
            having: self.having.add(condition),
        }
    }
}

/// Terms `order_by` accepts: expressions, `expr.asc()`, `expr.desc()`, and tuples of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used to order rows",
    label = "expected a column, an expression, `.asc()`/`.desc()` of one, or a tuple of them"
)]
pub trait OrderTerm {}

impl<E: Expression> OrderTerm for E {}

/// Renders `LIMIT` and `OFFSET`, as bind parameters. A negative value rejects the
/// statement: PostgreSQL refuses one while SQLite reads a negative LIMIT as no limit at
/// all, so quarry refuses it on both.
pub(crate) fn walk_limit_offset<DB: Backend>(
    limit: Option<i64>,
    offset: Option<i64>,
    out: &mut SqlWriter<'_>,
) {
    out.shape(u64::from(limit.is_some()) | (u64::from(offset.is_some()) << 1));
    let clauses = [
        ("LIMIT", "limit", limit, "return every row"),
        ("OFFSET", "offset", offset, "skip no row"),
    ];
    for (clause, method, value, instead) in clauses {
        if let Some(value) = value.filter(|v| *v < 0) {
            out.reject(|| {
                format!(
                    "{clause} must not be negative, but `{method}({value})` was given; \
                     leave out `{method}` to {instead}"
                )
            });
        }
    }
    match (limit, offset) {
        (None, None) => {}
        (Some(limit), offset) => {
            out.push_sql(" LIMIT ");
            out.push_bind(BindValue::I64(limit));
            if let Some(offset) = offset {
                out.push_sql(" OFFSET ");
                out.push_bind(BindValue::I64(offset));
            }
        }
        (None, Some(offset)) => {
            out.push_sql(DB::OFFSET_WITHOUT_LIMIT);
            out.push_sql(" OFFSET ");
            out.push_bind(BindValue::I64(offset));
        }
    }
}

/// Renders an optional clause.
pub trait ClauseFragment<DB> {
    /// Renders it, with its leading keyword, or nothing.
    fn walk_clause<'a>(&'a self, out: &mut SqlWriter<'a>);

    /// Whether it renders nothing.
    fn is_empty(&self) -> bool {
        false
    }
}

impl<DB> ClauseFragment<DB> for NoWhere {
    fn walk_clause<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
    fn is_empty(&self) -> bool {
        true
    }
}

impl<P: QueryFragment<DB>, DB: Backend> ClauseFragment<DB> for WhereClause<P> {
    fn walk_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" WHERE ");
        self.0.walk(out);
    }
}

impl<DB> ClauseFragment<DB> for NoOrder {
    fn walk_clause<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
    fn is_empty(&self) -> bool {
        true
    }
}

impl<O: OrderFragment<DB>, DB: Backend> ClauseFragment<DB> for OrderClause<O> {
    fn walk_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" ORDER BY ");
        self.0.walk_order(out);
    }
}

/// Renders an ordering term. Values are compared, so an expression renders as it would
/// in a comparison (on SQLite, a `Numeric` orders as a number, not as its text).
pub trait OrderFragment<DB> {
    /// Renders the term.
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<E: Expression + QueryFragment<DB>, DB: Backend> OrderFragment<DB> for E {
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        crate::expr::walk_operand(self, true, out);
    }
}

impl<E: Expression + QueryFragment<DB>, DB: Backend> OrderFragment<DB> for crate::expr::Asc<E> {
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.walk(out);
    }
}

impl<E: Expression + QueryFragment<DB>, DB: Backend> OrderFragment<DB> for crate::expr::Desc<E> {
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.walk(out);
    }
}
