// `haven init DIR [--eject-theme]`: a new site that builds and serves offline right away.
#include <cstdio>
#include <memory>
#include <string>

#include "app/authoring.hpp"
#include "base/fs.hpp"
#include "site/embedded.hpp"

namespace haven::app::authoring {

namespace {

namespace fs = std::filesystem;

// The starter config: Hexo's keys (hexo-cli's starter _config.yml), each with what it does, so a
// site made here also builds with Hexo, and a Hexo user finds every key where they expect it.
constexpr std::string_view k_config = R"(# Site configuration. Haven reads the same keys as Hexo, so this site also builds with Hexo
# (https://hexo.io/docs/configuration) and an existing Hexo _config.yml works unchanged.

# --- Site ---------------------------------------------------------------------------------------
# Shown in the header, the <title> and the feeds.
title: My Blog
# A line under the title (themes decide where).
subtitle: ''
# For <meta name="description"> and the feeds.
description: ''
# Comma-separated words for <meta name="keywords">.
keywords:
# Your name: feed and post author.
author: Me
# UI language of the theme: en, zh-CN, zh-TW or ja (Haven's theme ships these).
language: en
# IANA zone the dates in front matter are written in (e.g. Asia/Shanghai). Empty = this machine's
# zone. Set it when you build on a server (CI) in another zone, or post dates shift.
timezone: ''

# --- URL ----------------------------------------------------------------------------------------
# The address the site is published at, without a trailing slash (feeds and sitemaps use it).
url: http://example.com
# The path of the site under that address: '/' at the top, '/blog/' for a sub-folder.
root: /
# Where a post is published. Placeholders: :year :month :day :i_month :i_day :hour :minute :second
# :title (file name) :name :post_title :category :hash :abbrlink, or any front-matter key.
# `posts/:abbrlink/` gives short, stable links that survive renaming (hexo-abbrlink).
permalink: :year/:month/:day/:title/
# Values for placeholders a post does not set.
permalink_defaults:
# Drop "index.html" / ".html" from generated links (the files keep their names).
pretty_urls:
  trailing_index: true
  trailing_html: true

# --- Folders ------------------------------------------------------------------------------------
# Your posts, pages and files.
source_dir: source
# Where `haven build` writes the site.
public_dir: public
# Where tag, archive and category pages go in the output.
tag_dir: tags
archive_dir: archives
category_dir: categories
# Files under source/ that are copied as they are instead of rendered (globs).
skip_render:

# --- Writing ------------------------------------------------------------------------------------
# File name of `haven new` posts. Placeholders: :title (the title made URL-safe; Chinese is kept)
# :year :month :day :i_month :i_day.
new_post_name: :title.md
# Layout of `haven new TITLE` without a layout: post, page or draft.
default_layout: post
# Title Case post titles.
titlecase: false
# Open links to other sites in a new tab (`field: site` = in the whole page, `post` = posts only).
external_link:
  enable: true
  field: site
  exclude: ''
# Tag and category slugs: 0 keep case, 1 lower case, 2 upper case. Also the case of new file names.
filename_case: 0
# Build source/_drafts too (or pass --drafts).
render_drafts: false
# Give each post a folder for its images (source/_posts/<name>/); `haven new` creates it.
post_asset_folder: false
# Make links relative to the page.
relative_link: false
# Publish posts dated in the future.
future: true
# Code highlighting in Markdown code blocks: highlight.js markup (themes style it) or empty.
syntax_highlighter: highlight.js
highlight:
  line_number: true
  auto_detect: false
  tab_replace: ''
  wrap: true

# --- Home page ----------------------------------------------------------------------------------
index_generator:
  # Where the home page goes ('' = the site root).
  path: ''
  # Posts per page (0 = all on one page).
  per_page: 10
  # Sort: -date = newest first.
  order_by: -date

# Categories used when a post has none (for the :category placeholder).
default_category: uncategorized
# Rename category / tag slugs: `name: slug`.
category_map:
tag_map:

# --- Dates --------------------------------------------------------------------------------------
# moment.js formats used by the theme.
date_format: YYYY-MM-DD
time_format: HH:mm:ss
# `updated` when a post does not set it: mtime (file time), date (= date) or empty.
updated_option: mtime

# --- Pages --------------------------------------------------------------------------------------
# Posts per list page (0 = no pagination), and the folder of page 2, 3, …
per_page: 10
pagination_dir: page

# --- Feeds, sitemap, search (hexo-generator-feed / -sitemap / -searchdb keys) -------------------
feed:
  type: atom
  path: atom.xml
  limit: 20
sitemap:
  path: sitemap.xml
search:
  path: search.json
  field: post

# --- hexo-abbrlink (for `permalink: posts/:abbrlink/`) ------------------------------------------
abbrlink:
  # crc16 (short numbers) or crc32.
  alg: crc16
  # dec or hex.
  rep: dec

# --- Theme --------------------------------------------------------------------------------------
# `haven` is built into Haven; a themes/<name>/ folder (Nunjucks) overrides it file by file.
theme: haven
# Settings for the theme (merged over its own _config.yml; see `haven init --eject-theme`).
theme_config:
  menu:
    home: /
    archives: /archives/
    about: /about/
)";

constexpr std::string_view k_scaffold_post = "---\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n";
constexpr std::string_view k_scaffold_page = "---\ntitle: {{ title }}\ndate: {{ date }}\n---\n";
constexpr std::string_view k_scaffold_draft = "---\ntitle: {{ title }}\ntags:\n---\n";

constexpr std::string_view k_example_post = R"(---
title: Hello, Haven
date: 2025-01-01 10:00:00
tags:
  - Haven
  - 入门
categories:
  - Notes
---
Welcome! This post was made by `haven init`. Edit it, or write a new one:

```sh
haven new "My first post"        # source/_posts/My-first-post.md
haven new "你好，世界"             # source/_posts/你好，世界.md (add --slug pinyin for ni-hao-shi-jie.md)
haven new draft "Half an idea"   # source/_drafts/, published later with `haven publish`
haven serve                      # http://127.0.0.1:4000
```

<!-- more -->

## What is here

- `_config.yml`: the site settings, one comment per key.
- `scaffolds/`: the templates `haven new` starts from.
- `source/_posts/`: posts; `source/about/index.md`: a page.

Before you publish, `haven check` finds links and images that point nowhere.

中文标题、标签和分类都可以直接使用。
)";

constexpr std::string_view k_about_page = R"(---
title: About
date: 2025-01-01 10:00:00
---
Tell readers who you are. This page is `source/about/index.md`.
)";

constexpr std::string_view k_gitignore = "public/\n";

// Whether `dir` is missing or an empty folder.
bool usable_target(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

int run_init(const std::string& dir, bool eject_theme) {
  fs::path root(dir);
  if (!usable_target(root)) {
    print_error("\"" + dir + "\" exists and is not an empty folder; `haven init` only writes into a new or empty folder");
    return k_exit_failed;
  }
  struct File {
    std::string path;
    std::string_view text;
  };
  std::vector<File> files = {
      {"_config.yml", k_config},
      {"scaffolds/post.md", k_scaffold_post},
      {"scaffolds/page.md", k_scaffold_page},
      {"scaffolds/draft.md", k_scaffold_draft},
      {"source/_posts/hello-haven.md", k_example_post},
      {"source/about/index.md", k_about_page},
      {".gitignore", k_gitignore},
  };
  if (eject_theme) {
    for (const auto& f : site::k_embedded_files) files.push_back({"themes/haven/" + std::string(f.path), f.data});
  }
  for (const auto& f : files) {
    auto written = base::write_file(root / f.path, f.text);
    if (!written) {
      print_diagnostics({written.error()});
      return k_exit_failed;
    }
  }
  std::error_code ec;
  fs::create_directories(root / "source/_drafts", ec);
  std::printf("Created a Haven site in %s (%zu files%s)\n", root.string().c_str(), files.size(),
              eject_theme ? ", theme in themes/haven/" : "; the theme is built in");
  std::printf("Next:\n  cd %s\n  haven new \"My first post\"\n  haven serve\n", root.string().c_str());
  return k_exit_ok;
}

} // namespace

void add_init_command(CLI::App& app, std::function<int()>& action) {
  struct Args {
    std::string dir;
    bool eject_theme = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("init", "Create a new site in DIR (offline: config, scaffolds, an example post)");
  cmd->add_option("DIR", args->dir, "Folder to create (must be new or empty)")->required();
  cmd->add_flag("--eject-theme", args->eject_theme,
                "Also write the built-in theme into themes/haven/ to edit it");
  cmd->callback([args, &action] { action = [args] { return run_init(args->dir, args->eject_theme); }; });
}

} // namespace haven::app::authoring
