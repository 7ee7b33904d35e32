//! Services (RPH teams) and the municipalities they serve.

use sqlx::Row;

use super::Db;

/// A service as the public pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicService {
    pub slug: String,
    pub name: String,
    pub municipalities: Vec<String>,
}

/// Every service with the names of its municipalities, by name.
pub async fn list_public(db: &Db) -> Result<Vec<PublicService>, sqlx::Error> {
    let rows = sqlx::query(
        "select s.service_id, s.slug, s.name, m.name as municipality
         from service s
         left join service_municipality sm on sm.service_id = s.service_id
         left join municipality m on m.municipality_id = sm.municipality_id
         order by s.name, s.service_id, m.name",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut services: Vec<(i64, PublicService)> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("service_id")?;
        if services.last().map(|(last, _)| *last) != Some(id) {
            services.push((
                id,
                PublicService {
                    slug: row.try_get("slug")?,
                    name: row.try_get("name")?,
                    municipalities: Vec::new(),
                },
            ));
        }
        if let (Some((_, service)), Some(m)) = (
            services.last_mut(),
            row.try_get::<Option<String>, _>("municipality")?,
        ) {
            service.municipalities.push(m);
        }
    }
    Ok(services.into_iter().map(|(_, s)| s).collect())
}

/// A municipality and the service (if any) that serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MunicipalityChoice {
    pub number: String,
    pub name: String,
    /// Slugs and names of the services serving it.
    pub services: Vec<(String, String)>,
}

/// One service with what its self-referral page needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceDetail {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub answer_reuse_days: i64,
    /// Numbers of the municipalities it serves.
    pub serves: Vec<String>,
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<ServiceDetail>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select service_id, slug, name, answer_reuse_days from service where slug = $1",
    )
    .bind(slug)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("service_id")?;
    let serves = sqlx::query(
        "select m.number from service_municipality sm
         join municipality m on m.municipality_id = sm.municipality_id
         where sm.service_id = $1 order by m.number",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| r.try_get("number"))
    .collect::<Result<_, _>>()?;
    Ok(Some(ServiceDetail {
        id,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        answer_reuse_days: row.try_get("answer_reuse_days")?,
        serves,
    }))
}

/// Every known municipality, by name, with the services serving it.
pub async fn municipalities(db: &Db) -> Result<Vec<MunicipalityChoice>, sqlx::Error> {
    let rows = sqlx::query(
        "select m.number, m.name, s.slug, s.name as service_name
         from municipality m
         left join service_municipality sm on sm.municipality_id = m.municipality_id
         left join service s on s.service_id = sm.service_id
         order by m.name, m.number, s.name",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<MunicipalityChoice> = Vec::new();
    for row in rows {
        let number: String = row.try_get("number")?;
        if out.last().map(|m| &m.number) != Some(&number) {
            out.push(MunicipalityChoice {
                number,
                name: row.try_get("name")?,
                services: Vec::new(),
            });
        }
        if let (Some(last), Some(slug), Some(name)) = (
            out.last_mut(),
            row.try_get::<Option<String>, _>("slug")?,
            row.try_get::<Option<String>, _>("service_name")?,
        ) {
            last.services.push((slug, name));
        }
    }
    Ok(out)
}

/// The municipalities a service serves: (number, name), by name.
pub async fn municipalities_of(
    db: &Db,
    service_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query(
        "select m.number, m.name from service_municipality sm
         join municipality m on m.municipality_id = sm.municipality_id
         where sm.service_id = $1 order by m.name",
    )
    .bind(service_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("number")?, r.try_get("name")?)))
    .collect()
}
