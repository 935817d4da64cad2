//! Relations and eager loading: users → posts → comments (here members → entries →
//! notes), a many-to-many link table, a self-referencing manager; each eager load
//! compared with a naive loop of one query per parent over generated data (parents
//! without children, NULL keys, parents listed twice).

mod common;

use common::{BackendKind, ExtraSchema, TestDb};
use quarry::conn::Connection;
use quarry::insert_into;
use quarry::prelude::*;

quarry::table! {
    members (id) {
        id -> Int4,
        name -> Text,
        active -> Bool,
    }

    entries (id) {
        id -> Int4,
        member_id -> Nullable<Int4> references members as member,
        title -> Text,
        published -> Bool,
        rank -> Int4,
    }

    notes (id) {
        id -> Int4,
        entry_id -> Int4 references entries,
        body -> Text,
    }

    labels (id) {
        id -> Int4,
        name -> Text,
    }

    /// A link table: its primary key is two keys.
    member_labels (member_id, label_id) {
        member_id -> Int4 references members,
        label_id -> Int4 references labels,
    }

    staff (id) {
        id -> Int4,
        name -> Text,
        manager_id -> Nullable<Int4> references staff as manager,
    }
}

const SCHEMA: ExtraSchema = ExtraSchema {
    sqlite: "",
    pg: "",
    portable: "
CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN NOT NULL);
CREATE TABLE entries (id INTEGER PRIMARY KEY, member_id INTEGER REFERENCES members (id),
                      title TEXT NOT NULL, published BOOLEAN NOT NULL, rank INTEGER NOT NULL);
CREATE TABLE notes (id INTEGER PRIMARY KEY, entry_id INTEGER NOT NULL REFERENCES entries (id),
                    body TEXT NOT NULL);
CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE member_labels (member_id INTEGER NOT NULL REFERENCES members (id),
                            label_id INTEGER NOT NULL REFERENCES labels (id),
                            PRIMARY KEY (member_id, label_id));
CREATE TABLE staff (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
                    manager_id INTEGER REFERENCES staff (id));
INSERT INTO staff VALUES (1, 'Grace', NULL), (2, 'Ada', 1), (3, 'Linus', 2), (4, 'Alan', 1),
                         (5, 'Margaret', NULL);
",
};

#[derive(Selectable, Insertable, Debug, Clone, PartialEq)]
#[quarry(table = members)]
struct Member {
    id: i32,
    name: String,
    active: bool,
}

#[derive(Selectable, Insertable, Debug, Clone, PartialEq)]
#[quarry(table = entries)]
struct Entry {
    id: i32,
    member_id: Option<i32>,
    title: String,
    published: bool,
    rank: i32,
}

#[derive(Selectable, Insertable, Debug, Clone, PartialEq)]
#[quarry(table = notes)]
struct Note {
    id: i32,
    entry_id: i32,
    body: String,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = labels)]
struct Label {
    id: i32,
    name: String,
}

#[derive(Insertable)]
#[quarry(table = labels)]
struct NewLabel {
    id: i32,
    name: String,
}

#[derive(Insertable)]
#[quarry(table = member_labels)]
struct MemberLabel {
    member_id: i32,
    label_id: i32,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = entries)]
struct EntryWithNotes {
    id: i32,
    member_id: Option<i32>,
    title: String,
    #[quarry(relation)]
    notes: Vec<Note>,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = members)]
struct MemberTree {
    id: i32,
    name: String,
    #[quarry(relation)]
    entries: Vec<EntryWithNotes>,
    #[quarry(relation)]
    labels: Vec<Label>,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = members)]
struct MemberWithEntries {
    id: i32,
    #[quarry(relation)]
    entries: Vec<Entry>,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = entries)]
struct EntryWithMember {
    id: i32,
    title: String,
    #[quarry(relation)]
    member: Option<Member>,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = notes)]
struct NoteWithEntry {
    id: i32,
    #[quarry(relation = notes::entries)]
    entry: Entry,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = staff)]
struct StaffMember {
    id: i32,
    name: String,
    manager_id: Option<i32>,
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = staff)]
struct StaffTree {
    id: i32,
    name: String,
    #[quarry(relation)]
    manager: Option<StaffMember>,
    #[quarry(relation)]
    staff_by_manager: Vec<StaffMember>,
}

/// A small deterministic generator, so that every run loads the same data.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// `members` parents, each with 0–`max_entries` entries (some with a NULL member),
/// each entry with 0–`max_notes` notes, and labels linked to some members.
fn generate<C: Connection>(db: &mut TestDb<C>, members: i32, max_entries: u64, max_notes: u64) {
    let mut rng = Lcg(members as u64);
    let people: Vec<Member> = (1..=members)
        .map(|id| Member {
            id,
            name: format!("member {id}"),
            active: id % 3 != 0,
        })
        .collect();
    insert_into(members::table)
        .values(&people)
        .execute(&mut db.conn)
        .unwrap();
    let mut all_entries = Vec::new();
    let mut all_notes = Vec::new();
    for member in 1..=members {
        // One member in four has no entries.
        let count = if member % 4 == 0 {
            0
        } else {
            rng.below(max_entries + 1)
        };
        for _ in 0..count {
            let id = all_entries.len() as i32 + 1;
            all_entries.push(Entry {
                id,
                // Some entries have no member: a NULL key.
                member_id: (id % 7 != 0).then_some(member),
                title: format!("entry {id}"),
                published: id % 2 == 0,
                rank: rng.below(5) as i32,
            });
        }
    }
    for entry in &all_entries {
        for _ in 0..rng.below(max_notes + 1) {
            let id = all_notes.len() as i32 + 1;
            all_notes.push(Note {
                id,
                entry_id: entry.id,
                body: format!("note {id} on {}", entry.id),
            });
        }
    }
    insert_into(entries::table)
        .values(&all_entries)
        .execute(&mut db.conn)
        .unwrap();
    insert_into(notes::table)
        .values(&all_notes)
        .execute(&mut db.conn)
        .unwrap();
    let tags: Vec<NewLabel> = (1..=5)
        .map(|id| NewLabel {
            id,
            name: format!("label {id}"),
        })
        .collect();
    insert_into(labels::table)
        .values(&tags)
        .execute(&mut db.conn)
        .unwrap();
    let links: Vec<MemberLabel> = (1..=members)
        .flat_map(|m| {
            (1..=5)
                .filter(move |&l| linked(m, l))
                .map(move |l| MemberLabel {
                    member_id: m,
                    label_id: l,
                })
        })
        .collect();
    insert_into(member_labels::table)
        .values(&links)
        .execute(&mut db.conn)
        .unwrap();
}

/// Whether member `m` has label `l`: members 5, 10, … have none.
fn linked(m: i32, l: i32) -> bool {
    m % 5 != 0 && (m + l) % 3 == 0
}

/// The tree of every member, one query per parent (the N+1 loop eager loading replaces).
fn naive_trees<C: Connection>(conn: &mut C, ids: &[i32]) -> Vec<MemberTree> {
    let mut out = Vec::new();
    for &id in ids {
        let member: Member = members::table
            .find(id)
            .select(Member::as_select())
            .first(conn)
            .unwrap();
        let entries: Vec<Entry> = entries::table
            .filter(entries::member_id.eq(id))
            .order_by(entries::id)
            .select(Entry::as_select())
            .load(conn)
            .unwrap();
        let entries = entries
            .into_iter()
            .map(|e| EntryWithNotes {
                notes: notes::table
                    .filter(notes::entry_id.eq(e.id))
                    .order_by(notes::id)
                    .select(Note::as_select())
                    .load(conn)
                    .unwrap(),
                id: e.id,
                member_id: e.member_id,
                title: e.title,
            })
            .collect();
        let labels: Vec<Label> = labels::table
            .inner_join(member_labels::table)
            .filter(member_labels::member_id.eq(id))
            .order_by(labels::id)
            .select(Label::as_select())
            .load(conn)
            .unwrap();
        out.push(MemberTree {
            id: member.id,
            name: member.name,
            entries,
            labels,
        });
    }
    out
}

/// How many statements an eager load sends: the structural count of its levels.
fn statements_of<Q, L: quarry::relations::CountLevels>(
    eager: &quarry::relations::Eager<Q, L>,
) -> usize {
    eager.statements()
}

fn eager_tree_equals_the_naive_loop<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 100, 10, 10);
    let eager = members::table
        .order_by(members::id)
        .with(
            members::entries
                .order_by(entries::id)
                .with(entries::notes.order_by(notes::id)),
        )
        .with(members::labels.order_by(labels::id));
    assert_eq!(statements_of(&eager), 4);
    // The parents, the entries, their notes, the labels: one statement each, counted
    // as the connection sends them.
    let trees: Vec<MemberTree> =
        quarry::assert_queries!(&mut db.conn, 4, { eager.load(&mut db.conn).unwrap() });
    let ids: Vec<i32> = (1..=100).collect();
    let expected = naive_trees(&mut db.conn, &ids);
    assert_eq!(trees.len(), 100);
    assert!(
        trees.iter().any(|t| t.entries.is_empty()),
        "some members have no entries"
    );
    assert!(
        trees
            .iter()
            .flat_map(|t| &t.entries)
            .any(|e| e.notes.is_empty())
    );
    assert!(trees.iter().any(|t| t.labels.is_empty()));
    assert!(trees.iter().any(|t| t.labels.len() > 1));
    assert_eq!(trees, expected);
}

fn parent_order_is_kept_and_filters_apply<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 30, 6, 3);
    let trees: Vec<MemberWithEntries> = members::table
        .filter(members::active.eq(true))
        .order_by(members::id.desc())
        .with(
            members::entries
                .filter(entries::published.eq(true))
                .order_by((entries::rank, entries::id.desc())),
        )
        .load(&mut db.conn)
        .unwrap();
    let ids: Vec<i32> = trees.iter().map(|t| t.id).collect();
    let expected_ids: Vec<i32> = (1..=30).rev().filter(|id| id % 3 != 0).collect();
    assert_eq!(ids, expected_ids);
    for tree in &trees {
        let naive: Vec<Entry> = entries::table
            .filter(entries::member_id.eq(tree.id))
            .filter(entries::published.eq(true))
            .order_by((entries::rank, entries::id.desc()))
            .select(Entry::as_select())
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(tree.entries, naive, "member {}", tree.id);
    }
}

fn limit_per_parent_keeps_every_parent<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 40, 10, 0);
    let trees: Vec<MemberWithEntries> = members::table
        .order_by(members::id)
        .with(
            members::entries
                .order_by((entries::rank.desc(), entries::id))
                .limit_per_parent(3),
        )
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        trees.len(),
        40,
        "every parent is present, those without entries too"
    );
    let mut limited = 0;
    for tree in &trees {
        let all: Vec<Entry> = entries::table
            .filter(entries::member_id.eq(tree.id))
            .order_by((entries::rank.desc(), entries::id))
            .select(Entry::as_select())
            .load(&mut db.conn)
            .unwrap();
        assert!(tree.entries.len() <= 3);
        if all.len() > 3 {
            limited += 1;
        }
        assert_eq!(
            tree.entries,
            all.into_iter().take(3).collect::<Vec<_>>(),
            "member {}",
            tree.id
        );
    }
    assert!(
        limited > 0,
        "the data has parents with more than three entries"
    );
}

fn a_negative_limit_per_parent_is_an_error<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 3, 3, 0);
    let result: Result<Vec<MemberWithEntries>, _> = members::table
        .with(members::entries.limit_per_parent(-1))
        .load(&mut db.conn);
    let error = result.unwrap_err().to_string();
    assert!(error.contains("limit_per_parent(-1)"), "{error}");
}

fn to_one_with_null_keys_and_shared_parents<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 20, 5, 2);
    let eager: Vec<EntryWithMember> = entries::table
        .order_by(entries::id)
        .with(entries::member)
        .load(&mut db.conn)
        .unwrap();
    let plain: Vec<Entry> = entries::table
        .order_by(entries::id)
        .select(Entry::as_select())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(eager.len(), plain.len());
    assert!(
        plain.iter().any(|e| e.member_id.is_none()),
        "the data has NULL keys"
    );
    for (loaded, entry) in eager.iter().zip(&plain) {
        let member = entry.member_id.map(|id| {
            members::table
                .find(id)
                .select(Member::as_select())
                .first(&mut db.conn)
                .unwrap()
        });
        assert_eq!(loaded.member, member, "entry {}", entry.id);
    }
    // Required to-one: every note has its entry; many notes share one.
    let notes: Vec<NoteWithEntry> = notes::table
        .order_by(notes::id)
        .with(notes::entries)
        .load(&mut db.conn)
        .unwrap();
    assert!(!notes.is_empty());
    for note in &notes {
        let entry: Entry = entries::table
            .inner_join(notes::table)
            .filter(notes::id.eq(note.id))
            .select(Entry::as_select())
            .first(&mut db.conn)
            .unwrap();
        assert_eq!(note.entry, entry);
    }
}

fn duplicate_parents_each_get_their_children<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 12, 4, 0);
    // Through the link table a member is the parent of its entries once per label:
    // the entries level is keyed by each member once, and every copy gets them.
    #[derive(Selectable, Debug, PartialEq)]
    #[quarry(table = labels)]
    struct LabelTree {
        id: i32,
        #[quarry(relation)]
        members: Vec<MemberWithEntries>,
    }
    let labels: Vec<LabelTree> = labels::table
        .order_by(labels::id)
        .with(
            labels::members
                .order_by(members::id)
                .with(members::entries.order_by(entries::id)),
        )
        .load(&mut db.conn)
        .unwrap();
    let mut seen = std::collections::HashMap::new();
    for member in labels.iter().flat_map(|l| &l.members) {
        let naive: Vec<Entry> = entries::table
            .filter(entries::member_id.eq(member.id))
            .order_by(entries::id)
            .select(Entry::as_select())
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(member.entries, naive, "member {}", member.id);
        *seen.entry(member.id).or_insert(0) += 1;
    }
    assert!(
        seen.values().any(|&n| n > 1),
        "the data has members under several labels"
    );
    // Entries whose parents repeat (several entries of one member) take a copy each.
    let busiest = labels
        .iter()
        .flat_map(|l| &l.members)
        .max_by_key(|m| m.entries.len())
        .map(|m| m.id)
        .unwrap();
    let by_member: Vec<EntryWithMember> = entries::table
        .filter(entries::member_id.eq(busiest))
        .with(entries::member)
        .load(&mut db.conn)
        .unwrap();
    assert!(by_member.len() > 1, "member {busiest} has several entries");
    assert!(
        by_member
            .iter()
            .all(|e| e.member.as_ref().is_some_and(|m| m.id == busiest))
    );
}

fn many_to_many_through_the_link_table<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 12, 1, 0);
    #[derive(Selectable, Debug, PartialEq)]
    #[quarry(table = labels)]
    struct LabelWithMembers {
        id: i32,
        #[quarry(relation)]
        members: Vec<Member>,
    }
    let labels: Vec<LabelWithMembers> = labels::table
        .order_by(labels::id)
        .with(labels::members.order_by(members::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(labels.len(), 5);
    for label in &labels {
        let expected: Vec<i32> = (1..=12).filter(|&m| linked(m, label.id)).collect();
        let got: Vec<i32> = label.members.iter().map(|m| m.id).collect();
        assert_eq!(got, expected, "label {}", label.id);
    }
}

fn self_referencing_manager_tree<C: Connection>(db: &mut TestDb<C>) {
    let staff: Vec<StaffTree> = staff::table
        .order_by(staff::id)
        .with(staff::manager)
        .with(staff::staff_by_manager.order_by(staff::id))
        .load(&mut db.conn)
        .unwrap();
    let names = |list: &[StaffMember]| list.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(staff.len(), 5);
    assert_eq!(staff[0].manager, None);
    assert_eq!(names(&staff[0].staff_by_manager), ["Ada", "Alan"]);
    assert_eq!(
        staff[2].manager.as_ref().map(|m| m.name.as_str()),
        Some("Ada")
    );
    assert_eq!(names(&staff[1].staff_by_manager), ["Linus"]);
    assert!(staff[4].staff_by_manager.is_empty() && staff[4].manager.is_none());
}

fn no_parents_no_child_statements<C: Connection>(db: &mut TestDb<C>) {
    let trees: Vec<MemberTree> = members::table
        .with(members::entries.with(entries::notes))
        .with(members::labels)
        .load(&mut db.conn)
        .unwrap();
    assert!(trees.is_empty());
}

fn belonging_to_and_grouped_by<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 15, 5, 0);
    let parents: Vec<Member> = members::table
        .filter(members::active.eq(true))
        .order_by(members::id)
        .select(Member::as_select())
        .load(&mut db.conn)
        .unwrap();
    let children: Vec<Entry> = members::entries
        .belonging_to(parents.iter().map(|m| Some(m.id)))
        .order_by(entries::id)
        .select(Entry::as_select())
        .load(&mut db.conn)
        .unwrap();
    let grouped = children.grouped_by(&parents, |m| m.id, |e| e.member_id);
    let eager: Vec<MemberWithEntries> = members::table
        .filter(members::active.eq(true))
        .order_by(members::id)
        .with(members::entries.order_by(entries::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(grouped.len(), parents.len());
    for (group, tree) in grouped.iter().zip(&eager) {
        assert_eq!(group, &tree.entries);
    }
}

/// One statement per level whatever the number of parents: the number of distinct
/// prepared statements on PostgreSQL is the same for 10 parents and for 10,000 (each
/// level's keys are one array parameter). On SQLite the statement count is structural.
fn one_statement_per_level_at_any_size<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 10_000, 2, 1);
    let load = |conn: &mut C, parents: i32| -> usize {
        let eager = members::table
            .filter(members::id.le(parents))
            .with(members::entries.with(entries::notes));
        let levels = statements_of(&eager);
        let counter = conn.count_queries();
        let trees: Vec<MemberTree2> = eager.load(conn).unwrap();
        let sent = counter.stop();
        assert_eq!(trees.len(), parents as usize);
        assert_eq!(sent.len(), levels, "{:?}", sent.statements());
        sent.len()
    };
    assert_eq!(load(&mut db.conn, 10), 3);
    if db.kind() == BackendKind::Pg {
        let prepared = |db: &mut TestDb<C>| {
            db.rows::<(i64,)>("SELECT count(DISTINCT statement) FROM pg_prepared_statements")[0].0
        };
        let after_small = prepared(db);
        let keyed = |db: &mut TestDb<C>| {
            db.rows::<(i64,)>(
                "SELECT count(*) FROM pg_prepared_statements
                 WHERE statement LIKE '%= ANY($1)%' AND statement NOT LIKE '%pg_prepared%'",
            )[0]
            .0
        };
        assert_eq!(load(&mut db.conn, 10_000), 3);
        let after_large = prepared(db);
        assert_eq!(
            after_small, after_large,
            "10,000 parents prepared no statement that 10 did not"
        );
        assert_eq!(keyed(db), 2, "one keyed statement per child level");
    } else {
        assert_eq!(load(&mut db.conn, 10_000), 3);
    }
}

#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = members)]
struct MemberTree2 {
    id: i32,
    #[quarry(relation)]
    entries: Vec<EntryWithNotes>,
}

fn joins_named_by_a_relation<C: Connection>(db: &mut TestDb<C>) {
    generate(db, 8, 3, 0);
    let by_relation: Vec<(String, String)> = members::table
        .inner_join(members::entries)
        .select((members::name, entries::title))
        .order_by(entries::id)
        .load(&mut db.conn)
        .unwrap();
    let by_table: Vec<(String, String)> = members::table
        .inner_join(entries::table)
        .select((members::name, entries::title))
        .order_by(entries::id)
        .load(&mut db.conn)
        .unwrap();
    assert!(!by_relation.is_empty());
    assert_eq!(by_relation, by_table);
    // The to-one direction, left-joined: entries without a member keep a NULL name.
    let to_one: Vec<(i32, Option<String>)> = entries::table
        .left_join(entries::member)
        .select((entries::id, members::name))
        .order_by(entries::id)
        .load(&mut db.conn)
        .unwrap();
    assert!(to_one.iter().any(|(_, name)| name.is_none()));
    assert_eq!(
        to_one.iter().filter(|(_, name)| name.is_some()).count(),
        by_table.len()
    );
}

common::backend_tests! {
    extra_schema: SCHEMA;
    eager_tree_equals_the_naive_loop,
    parent_order_is_kept_and_filters_apply,
    limit_per_parent_keeps_every_parent,
    a_negative_limit_per_parent_is_an_error,
    to_one_with_null_keys_and_shared_parents,
    duplicate_parents_each_get_their_children,
    many_to_many_through_the_link_table,
    self_referencing_manager_tree,
    no_parents_no_child_statements,
    belonging_to_and_grouped_by,
    one_statement_per_level_at_any_size,
    joins_named_by_a_relation,
}
