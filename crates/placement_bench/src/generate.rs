//! Writes N realistic projects: Workers with a config (TOML or JSONC) with environments, bindings
//! and one of many placement variants (some with problems the rules report), a Worker entry and a
//! `package.json`; and, one in ten, Pages projects with a `functions/` tree. Projects are written one at a time, so generation memory does not grow with N.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// How many of the written projects use each format.
#[derive(Debug, Default, Clone, Copy)]
pub struct Generated {
    pub toml: usize,
    pub jsonc: usize,
    /// Of those, Pages projects with a `functions/` tree.
    pub pages: usize,
}

/// One `placement` as the fields it sets, or `None` for no placement. Variants past the first
/// few carry problems: a legacy hint (PL101), smart mode with a region (PL102), a misspelled mode
/// (PL103), `targeted` without a target (PL104), a malformed region or host (PL107).
const PLACEMENTS: &[Option<&[(&str, &str)]>] = &[
    None,
    Some(&[("mode", "smart")]),
    Some(&[("mode", "off")]),
    Some(&[("region", "aws:us-east-1")]),
    Some(&[("mode", "targeted"), ("hostname", "api.example.com")]),
    Some(&[("host", "db.example.com:5432")]),
    Some(&[("mode", "smart")]),
    None,
    Some(&[("mode", "smart"), ("hint", "wnam")]),
    Some(&[("mode", "smart"), ("region", "gcp:us-east4")]),
    Some(&[("mode", "smrt")]),
    Some(&[("mode", "targeted")]),
    Some(&[("region", "aws:us-east1")]),
    Some(&[("host", "db.example.com")]),
];

const ENVIRONMENTS: &[&str] = &["staging", "production"];

/// Writes projects `0..count` under `root`, 1,000 per folder.
pub fn generate(root: &Path, count: usize) -> io::Result<Generated> {
    let mut generated = Generated::default();
    for index in 0..count {
        let dir = project_dir(root, index);
        if is_pages(index) {
            generated.pages += 1;
            if index % 5 < 3 {
                generated.toml += 1;
            } else {
                generated.jsonc += 1;
            }
            write_pages_project(&dir, index)?;
            continue;
        }
        std::fs::create_dir_all(dir.join("src"))?;
        let (name, config) = if index % 5 < 3 {
            generated.toml += 1;
            ("wrangler.toml", toml_config(index))
        } else {
            generated.jsonc += 1;
            ("wrangler.jsonc", jsonc_config(index))
        };
        std::fs::write(dir.join(name), config)?;
        std::fs::write(dir.join("src/index.js"), worker_source(index))?;
        std::fs::write(dir.join("package.json"), package_json(index))?;
    }
    Ok(generated)
}

fn project_dir(root: &Path, index: usize) -> PathBuf {
    root.join(format!("group-{:03}", index / 1000))
        .join(format!("worker-{index:06}"))
}

/// The placement of the top level (`scope = None`) or an environment, varied so that
/// neighbouring projects differ.
fn placement_for(
    index: usize,
    scope: Option<usize>,
) -> Option<&'static [(&'static str, &'static str)]> {
    let salt = scope.map_or(0, |environment| 5 + environment * 3);
    // Environments mostly inherit the top level's placement, as real configs do.
    if scope.is_some() && !(index / 7 + salt).is_multiple_of(3) {
        return None;
    }
    PLACEMENTS[(index + salt) % PLACEMENTS.len()]
}

fn is_pages(index: usize) -> bool {
    index % 10 == 7
}

/// A Pages project: Smart Placement (or none), a root middleware on some, four Functions, and a
/// `_routes.json` that keeps Functions to `/api/*` on some.
fn write_pages_project(dir: &Path, index: usize) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("functions/api/users"))?;
    std::fs::create_dir_all(dir.join("dist"))?;
    let smart = !index.is_multiple_of(3);
    if index % 5 < 3 {
        let mut config = format!(
            "name = \"pages-{index}\"\npages_build_output_dir = \"./dist\"\ncompatibility_date = \"2025-06-01\"\n"
        );
        if smart {
            config.push_str("\n[placement]\nmode = \"smart\"\n");
        }
        std::fs::write(dir.join("wrangler.toml"), config)?;
    } else {
        let placement = if smart {
            ",\n  \"placement\": { \"mode\": \"smart\" }"
        } else {
            ""
        };
        std::fs::write(
            dir.join("wrangler.jsonc"),
            format!(
                "{{\n  // Pages project {index}\n  \"name\": \"pages-{index}\",\n  \"pages_build_output_dir\": \"./dist\",\n  \"compatibility_date\": \"2025-06-01\"{placement}\n}}\n"
            ),
        )?;
    }
    if index.is_multiple_of(2) {
        std::fs::write(
            dir.join("functions/_middleware.js"),
            "export async function onRequest(context) {\n  const response = await context.next();\n  response.headers.set(\"x-served-by\", \"pages\");\n  return response;\n}\n",
        )?;
    }
    if index % 4 == 3 {
        std::fs::write(
            dir.join("dist/_routes.json"),
            "{ \"version\": 1, \"include\": [\"/api/*\"], \"exclude\": [] }\n",
        )?;
    }
    std::fs::write(
        dir.join("functions/api/[id].js"),
        "export async function onRequestGet({ params, env }) {\n  const row = await env.DB.prepare(\"select * from items where id = ?\").bind(params.id).first();\n  return Response.json(row);\n}\n",
    )?;
    std::fs::write(
        dir.join("functions/api/users/index.ts"),
        "interface Env { DB: D1Database }\nexport const onRequestPost: PagesFunction<Env> = async ({ request, env }) => {\n  const user = await request.json();\n  await env.DB.prepare(\"insert into users values (?)\").bind(JSON.stringify(user)).run();\n  return new Response(null, { status: 201 });\n};\n",
    )?;
    std::fs::write(
        dir.join("functions/index.js"),
        "export function onRequest({ env, request }) {\n  return env.ASSETS.fetch(request);\n}\n",
    )?;
    std::fs::write(dir.join("package.json"), package_json(index))
}

fn has_assets(index: usize) -> bool {
    index.is_multiple_of(4)
}

fn toml_config(index: usize) -> String {
    let mut out = String::with_capacity(1500);
    let _ = writeln!(out, "# Worker {index}: generated by placement_bench");
    let _ = writeln!(out, "name = \"worker-{index}\"");
    out.push_str("main = \"src/index.js\"\n");
    let _ = writeln!(
        out,
        "compatibility_date = \"2025-{:02}-15\"",
        index % 12 + 1
    );
    out.push_str("compatibility_flags = [\"nodejs_compat\"]\n");
    out.push_str("workers_dev = false\n");
    let _ = writeln!(
        out,
        "routes = [{{ pattern = \"api{index}.example.com/*\", zone_name = \"example.com\" }}]"
    );
    if index % 17 == 3 {
        // A typo PL003 reports with a suggestion.
        out.push_str("compatability_date = \"2025-01-01\"\n");
    }
    if let Some(fields) = placement_for(index, None) {
        out.push_str("\n[placement]\n");
        for (key, value) in fields {
            let _ = writeln!(out, "{key} = \"{value}\"");
        }
    }
    if has_assets(index) {
        out.push_str("\n[assets]\ndirectory = \"./public\"\nbinding = \"ASSETS\"\n");
        if index.is_multiple_of(8) {
            out.push_str("run_worker_first = [\"/api/*\", \"!/api/docs\"]\n");
        }
    }
    out.push_str("\n[vars]\nAPI_BASE = \"https://api.example.com\"\nLOG_LEVEL = \"info\"\n");
    toml_bindings(&mut out, "", index, "");
    for (number, environment) in ENVIRONMENTS.iter().enumerate() {
        let _ = writeln!(out, "\n[env.{environment}]");
        let _ = writeln!(out, "name = \"worker-{index}-{environment}\"");
        let _ = writeln!(
            out,
            "routes = [{{ pattern = \"{environment}-api{index}.example.com/*\", zone_name = \"example.com\" }}]"
        );
        if let Some(fields) = placement_for(index, Some(number)) {
            let _ = writeln!(out, "\n[env.{environment}.placement]");
            for (key, value) in fields {
                let _ = writeln!(out, "{key} = \"{value}\"");
            }
        }
        let _ = writeln!(
            out,
            "\n[env.{environment}.vars]\nAPI_BASE = \"https://{environment}.api.example.com\""
        );
        toml_bindings(&mut out, &format!("env.{environment}."), index, environment);
    }
    out
}

fn toml_bindings(out: &mut String, prefix: &str, index: usize, suffix: &str) {
    let _ = writeln!(
        out,
        "\n[[{prefix}d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"db-{index}{suffix}\"\n\
         database_id = \"{:08x}-0000-4000-8000-{index:012}\"",
        index * 7919
    );
    let _ = writeln!(
        out,
        "\n[[{prefix}services]]\nbinding = \"AUTH\"\nservice = \"auth{suffix}\"\nentrypoint = \"AuthService\""
    );
    let _ = writeln!(
        out,
        "\n[[{prefix}kv_namespaces]]\nbinding = \"CACHE\"\nid = \"{:032x}\"",
        index * 104_729
    );
}

fn jsonc_config(index: usize) -> String {
    let mut out = String::with_capacity(2000);
    out.push_str("{\n");
    let _ = writeln!(out, "  // Worker {index}: generated by placement_bench");
    out.push_str("  \"$schema\": \"node_modules/wrangler/config-schema.json\",\n");
    let _ = writeln!(out, "  \"name\": \"worker-{index}\",");
    out.push_str("  \"main\": \"src/index.js\",\n");
    let _ = writeln!(
        out,
        "  \"compatibility_date\": \"2025-{:02}-15\",",
        index % 12 + 1
    );
    out.push_str("  \"compatibility_flags\": [\"nodejs_compat\"],\n");
    out.push_str("  \"workers_dev\": false,\n");
    let _ = writeln!(
        out,
        "  \"routes\": [{{ \"pattern\": \"api{index}.example.com/*\", \"zone_name\": \"example.com\" }}],"
    );
    if index % 17 == 3 {
        out.push_str("  \"compatability_date\": \"2025-01-01\",\n");
    }
    if index % 23 == 5 {
        // A repeated key (PL005): wrangler silently keeps the last one.
        out.push_str("  \"workers_dev\": true,\n");
    }
    if let Some(fields) = placement_for(index, None) {
        let _ = writeln!(out, "  \"placement\": {},", json_object(fields));
    }
    if has_assets(index) {
        out.push_str("  \"assets\": { \"directory\": \"./public\", \"binding\": \"ASSETS\"");
        if index.is_multiple_of(8) {
            out.push_str(", \"run_worker_first\": [\"/api/*\", \"!/api/docs\"]");
        }
        out.push_str(" },\n");
    }
    out.push_str(
        "  \"vars\": { \"API_BASE\": \"https://api.example.com\", \"LOG_LEVEL\": \"info\" },\n",
    );
    json_bindings(&mut out, "  ", index, "");
    out.push_str("  \"env\": {\n");
    for (number, environment) in ENVIRONMENTS.iter().enumerate() {
        let _ = writeln!(out, "    \"{environment}\": {{");
        let _ = writeln!(out, "      \"name\": \"worker-{index}-{environment}\",");
        let _ = writeln!(
            out,
            "      \"routes\": [{{ \"pattern\": \"{environment}-api{index}.example.com/*\", \"zone_name\": \"example.com\" }}],"
        );
        if let Some(fields) = placement_for(index, Some(number)) {
            let _ = writeln!(out, "      \"placement\": {},", json_object(fields));
        }
        let _ = writeln!(
            out,
            "      \"vars\": {{ \"API_BASE\": \"https://{environment}.api.example.com\" }},"
        );
        json_bindings(&mut out, "      ", index, environment);
        out.push_str("    },\n");
    }
    out.push_str("  },\n}\n");
    out
}

fn json_object(fields: &[(&str, &str)]) -> String {
    let body = fields
        .iter()
        .map(|(key, value)| format!("\"{key}\": \"{value}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{{ {body} }}")
}

fn json_bindings(out: &mut String, indent: &str, index: usize, suffix: &str) {
    let _ = writeln!(
        out,
        "{indent}\"d1_databases\": [\n{indent}  {{ \"binding\": \"DB\", \"database_name\": \"db-{index}{suffix}\", \
         \"database_id\": \"{:08x}-0000-4000-8000-{index:012}\" }},\n{indent}],",
        index * 7919
    );
    let _ = writeln!(
        out,
        "{indent}\"services\": [{{ \"binding\": \"AUTH\", \"service\": \"auth{suffix}\", \"entrypoint\": \"AuthService\" }}],"
    );
    let _ = writeln!(
        out,
        "{indent}\"kv_namespaces\": [{{ \"binding\": \"CACHE\", \"id\": \"{:032x}\" }}],",
        index * 104_729
    );
}

/// A Worker that makes several round trips to its back ends, as the ones Smart Placement helps.
fn worker_source(index: usize) -> String {
    format!(
        r#"// Worker {index}
export default {{
  async fetch(request, env, ctx) {{
    const url = new URL(request.url);
    if (url.pathname.startsWith("/api/")) {{
      const user = await env.AUTH.fetch(request.clone());
      if (!user.ok) return new Response("unauthorized", {{ status: 401 }});
      const cached = await env.CACHE.get(url.pathname);
      if (cached) return new Response(cached);
      const rows = await env.DB.prepare("select * from items where owner = ?").bind({index}).all();
      const body = JSON.stringify(rows.results);
      ctx.waitUntil(env.CACHE.put(url.pathname, body));
      return new Response(body, {{ headers: {{ "content-type": "application/json" }} }});
    }}
    return new Response("not found", {{ status: 404 }});
  }},
}};
"#
    )
}

fn package_json(index: usize) -> String {
    format!(
        "{{\n  \"name\": \"worker-{index}\",\n  \"private\": true,\n  \"scripts\": {{ \"deploy\": \"wrangler deploy\" }},\n  \
         \"devDependencies\": {{ \"wrangler\": \"^4.164.0\" }}\n}}\n"
    )
}
