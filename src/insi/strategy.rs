//! The query sequence that passes the agency's test plan ([`search`]): each birth first name
//! alone, in order, then the whole list; stop at the first `00`. On a `02` (several persons),
//! one more call with every first name and the birthplace COG, whose answer is final. The
//! calls are counted ([`InsiReport::calls`]).

use super::client::InsiClient;
use super::error::InsiError;
use super::types::{InsiAnswer, InsiQuery, InsiReport, InsiTraits};

/// The queries tried before any `02`, in order: each first name alone, then the whole list
/// (once, when there are several first names; none at all when there is no first name). No
/// birthplace in them.
pub fn strategy_queries(traits: &InsiTraits) -> Vec<InsiTraits> {
    let names = &traits.first_names;
    let mut out: Vec<InsiTraits> = names
        .iter()
        .map(|n| traits.with_first_names(vec![n.clone()], false))
        .collect();
    if names.len() != 1 {
        out.push(traits.with_first_names(names.clone(), false));
    }
    out.dedup_by(|a, b| a.first_names == b.first_names);
    out
}

/// The query sent after a `02`: every first name, and the birthplace when known; `None` when
/// it would repeat the query that answered `02`.
fn refined(traits: &InsiTraits, answered_several: &InsiTraits) -> Option<InsiTraits> {
    let q = traits.with_first_names(traits.first_names.clone(), true);
    (q != *answered_several).then_some(q)
}

/// Searches the INS of `traits` as the strategy says.
pub async fn search(client: &InsiClient, traits: &InsiTraits) -> Result<InsiReport, InsiError> {
    let mut calls = 0;
    let mut last = InsiAnswer::NotFound;
    for query in strategy_queries(traits) {
        calls += 1;
        last = client
            .query(&InsiQuery::Traits {
                traits: query.clone(),
            })
            .await?;
        match last {
            InsiAnswer::Found(_) => break,
            InsiAnswer::NotFound => {}
            InsiAnswer::Several => {
                if let Some(refined) = refined(traits, &query) {
                    calls += 1;
                    last = client.query(&InsiQuery::Traits { traits: refined }).await?;
                }
                break;
            }
        }
    }
    Ok(InsiReport {
        answer: last,
        calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Sex;

    fn traits(names: &[&str], cog: Option<&str>) -> InsiTraits {
        InsiTraits {
            birth_name: "NOM".into(),
            first_names: names.iter().map(|s| (*s).to_owned()).collect(),
            sex: Sex::Female,
            birth_date: chrono::NaiveDate::from_ymd_opt(1980, 1, 2).expect("date"),
            birthplace_cog: cog.map(str::to_owned),
        }
    }

    #[test]
    fn names_alone_then_the_list_without_birthplace() {
        let t = traits(&["OLA", "CATARINA", "BELLA"], Some("75056"));
        let plan: Vec<Vec<String>> = strategy_queries(&t)
            .into_iter()
            .inspect(|q| assert_eq!(q.birthplace_cog, None))
            .map(|q| q.first_names)
            .collect();
        assert_eq!(
            plan,
            vec![
                vec!["OLA".to_owned()],
                vec!["CATARINA".to_owned()],
                vec!["BELLA".to_owned()],
                vec!["OLA".to_owned(), "CATARINA".to_owned(), "BELLA".to_owned()],
            ]
        );
        assert_eq!(strategy_queries(&traits(&["ZOE"], None)).len(), 1);
        let none = strategy_queries(&traits(&[], None));
        assert_eq!(none.len(), 1);
        assert!(none[0].first_names.is_empty());
        // After a 02 on the full list without a birthplace, nothing more to add.
        let t = traits(&["A", "B"], None);
        assert!(refined(&t, &t).is_none());
        assert!(refined(&t, &t.with_first_names(vec!["A".into()], false)).is_some());
    }
}
