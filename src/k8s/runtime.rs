//! The runtimes and engines a Blueprint names, with what guard assumes of
//! each: the port it serves on and the image it runs. The Blueprint reads a
//! component's default port here and the generator its default image, so a
//! runtime that has one has the other.

/// An application runtime, known by the words a Blueprint's `runtime` is
/// made of (`python-fastapi`, `Node.js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime {
    /// Any of these words names the runtime.
    pub words: &'static [&'static str],
    /// The base image the generator runs it on.
    pub image: &'static str,
    /// The port its usual server listens on.
    pub port: u16,
}

const PYTHON: &str = "python:3.12-slim";
const NODE: &str = "node:22-alpine";
const RUBY: &str = "ruby:3.3-slim";

/// The runtimes, most specific first: the first one a word of the name
/// matches wins, so `python-flask` is Flask's and `rails-nginx` is Rails'.
pub const RUNTIMES: [Runtime; 8] = [
    // uvicorn's, gunicorn's and `manage.py runserver`'s default.
    Runtime {
        words: &["fastapi", "django", "uvicorn"],
        image: PYTHON,
        port: 8000,
    },
    Runtime {
        words: &["flask"],
        image: PYTHON,
        port: 5000,
    },
    // A Python web service without a named framework runs on an ASGI or
    // WSGI server, which listens on 8000 as above.
    Runtime {
        words: &["python"],
        image: PYTHON,
        port: 8000,
    },
    Runtime {
        words: &["node", "nodejs", "nextjs", "next", "express"],
        image: NODE,
        port: 3000,
    },
    Runtime {
        words: &["go", "golang"],
        image: "gcr.io/distroless/static-debian12:nonroot",
        port: 8080,
    },
    Runtime {
        words: &["java", "spring", "kotlin"],
        image: "eclipse-temurin:21-jre",
        port: 8080,
    },
    // `rails server`'s default.
    Runtime {
        words: &["ruby", "rails"],
        image: RUBY,
        port: 3000,
    },
    Runtime {
        words: &["nginx"],
        image: "nginxinc/nginx-unprivileged:1.27-alpine",
        port: 8080,
    },
];

/// The runtime a Blueprint's `runtime` names, by the words it is made of.
pub fn runtime(name: &str) -> Option<&'static Runtime> {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .collect();
    RUNTIMES
        .iter()
        .find(|runtime| words.iter().any(|w| runtime.words.contains(&w.as_str())))
}

/// A database or cache engine, by the name a Blueprint's `engine` gives it,
/// with what its official image needs to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Engine {
    pub name: &'static str,
    /// The image the generator runs.
    pub image: &'static str,
    pub port: u16,
    /// The image names (last path segment) an image of the engine may
    /// have: `bitnami/postgresql` runs postgres too.
    pub image_names: &'static [&'static str],
    /// The user the image runs its server as.
    pub user: i64,
    /// Where it keeps its data.
    pub data: &'static str,
    /// Other paths it writes to: (volume name, mount path).
    pub writable: &'static [(&'static str, &'static str)],
    /// Plain environment variables.
    pub env: &'static [(&'static str, &'static str)],
    /// The environment variable that takes the password, when the image
    /// requires one.
    pub password: Option<&'static str>,
}

/// The user most official database images run as.
const IMAGE_USER: i64 = 999;

pub const ENGINES: [Engine; 7] = [
    Engine {
        name: "postgres",
        image: "postgres:16.4",
        port: 5432,
        image_names: &["postgres", "postgresql"],
        user: IMAGE_USER,
        data: "/var/lib/postgresql/data",
        writable: &[("run", "/var/run/postgresql")],
        env: &[("PGDATA", "/var/lib/postgresql/data/pgdata")],
        password: Some("POSTGRES_PASSWORD"),
    },
    Engine {
        name: "mysql",
        image: "mysql:8.4",
        port: 3306,
        image_names: &["mysql", "mysql-server"],
        user: IMAGE_USER,
        data: "/var/lib/mysql",
        writable: &[("run", "/var/run/mysqld")],
        env: &[],
        password: Some("MYSQL_ROOT_PASSWORD"),
    },
    Engine {
        name: "mariadb",
        image: "mariadb:11.4",
        port: 3306,
        image_names: &["mariadb"],
        user: IMAGE_USER,
        data: "/var/lib/mysql",
        writable: &[("run", "/run/mysqld")],
        env: &[],
        password: Some("MARIADB_ROOT_PASSWORD"),
    },
    Engine {
        name: "mongodb",
        image: "mongo:7.0",
        port: 27017,
        image_names: &["mongo", "mongodb"],
        user: IMAGE_USER,
        data: "/data/db",
        writable: &[],
        env: &[],
        password: None,
    },
    Engine {
        name: "redis",
        image: "redis:7.4",
        port: 6379,
        image_names: &["redis", "redis-stack-server"],
        user: IMAGE_USER,
        data: "/data",
        writable: &[],
        env: &[],
        password: None,
    },
    Engine {
        name: "valkey",
        image: "valkey/valkey:8.0",
        port: 6379,
        image_names: &["valkey"],
        user: IMAGE_USER,
        data: "/data",
        writable: &[],
        env: &[],
        password: None,
    },
    Engine {
        name: "memcached",
        image: "memcached:1.6",
        port: 11211,
        image_names: &["memcached"],
        user: 11211,
        data: "/data",
        writable: &[],
        env: &[],
        password: None,
    },
];

/// The engine a Blueprint's `engine` names, when guard knows it.
pub fn engine(name: &str) -> Option<&'static Engine> {
    ENGINES.iter().find(|engine| engine.name == name)
}

/// The image names an image of engine `name` may have: a known engine's,
/// else the name itself.
pub fn engine_image_names(name: &str) -> Vec<String> {
    match engine(name) {
        Some(engine) => engine.image_names.iter().map(|n| n.to_string()).collect(),
        None => vec![name.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(name: &str) -> Option<u16> {
        runtime(name).map(|r| r.port)
    }

    fn image(name: &str) -> Option<&'static str> {
        runtime(name).map(|r| r.image)
    }

    #[test]
    fn runtimes_are_named_by_any_word() {
        assert_eq!(port("python-fastapi"), Some(8000));
        assert_eq!(port("Django"), Some(8000));
        assert_eq!(port("python"), Some(8000));
        assert_eq!(image("python"), Some(PYTHON));
        assert_eq!(port("python-flask"), Some(5000));
        assert_eq!(image("python-flask"), Some(PYTHON));
        assert_eq!(port("Node.js"), Some(3000));
        assert_eq!(image("nextjs"), Some(NODE));
        assert_eq!(port("rails"), Some(3000));
        assert_eq!(image("ruby-on-rails"), Some(RUBY));
        assert_eq!(port("golang"), Some(8080));
        assert_eq!(port("spring-boot"), Some(8080));
        assert_eq!(port("nginx"), Some(8080));
        assert_eq!(image("rails-nginx"), Some(RUBY));
        assert_eq!(runtime("rust"), None);
        assert_eq!(runtime("pythonic"), None);
        assert_eq!(runtime(""), None);
    }

    #[test]
    fn every_runtime_word_is_lowercase_and_named_once() {
        let mut seen = std::collections::BTreeSet::new();
        for runtime in RUNTIMES {
            for word in runtime.words {
                assert_eq!(word.to_ascii_lowercase(), *word);
                assert!(seen.insert(*word), "{word} names two runtimes");
            }
        }
    }

    #[test]
    fn an_engine_image_has_one_of_the_engine_image_names() {
        for engine in ENGINES {
            let repository = engine.image.split(':').next().unwrap_or_default();
            let name = repository.rsplit('/').next().unwrap_or_default();
            assert!(engine.image_names.contains(&name), "{}", engine.name);
        }
    }

    #[test]
    fn engines_have_their_ports_and_unknown_ones_their_own_name() {
        assert_eq!(engine("postgres").map(|e| e.port), Some(5432));
        assert_eq!(engine("mariadb").map(|e| e.port), Some(3306));
        assert_eq!(engine("redis").map(|e| e.port), Some(6379));
        assert_eq!(engine("Postgres"), None);
        assert_eq!(engine_image_names("mongodb"), ["mongo", "mongodb"]);
        assert_eq!(engine_image_names("cassandra"), ["cassandra"]);
    }
}
