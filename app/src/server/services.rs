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
