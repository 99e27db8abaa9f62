-- placement-lint language server for Neovim 0.11+.
--
-- Put this folder on 'runtimepath' (or copy this file to ~/.config/nvim/lsp/) and call
--   vim.lsp.enable("placement_lint")
-- The server attaches to buffers inside a project that has a wrangler.json, wrangler.jsonc or
-- wrangler.toml (the config files themselves, Pages Functions, _worker.js and Worker sources).

local config_names = { "wrangler.json", "wrangler.jsonc", "wrangler.toml" }

---@type vim.lsp.Config
return {
  cmd = { "placement-lint", "server" },
  filetypes = {
    "toml",
    "json",
    "jsonc",
    "javascript",
    "javascriptreact",
    "typescript",
    "typescriptreact",
  },
  -- Attach only inside a wrangler project; its root is the folder of the nearest config.
  root_dir = function(bufnr, on_dir)
    local root = vim.fs.root(bufnr, config_names)
    if root then
      on_dir(root)
    end
  end,
  -- The server negotiates UTF-8 positions with Neovim.
  capabilities = {
    general = { positionEncodings = { "utf-8", "utf-16" } },
  },
}
