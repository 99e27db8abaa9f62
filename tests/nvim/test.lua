-- Headless Neovim 0.11 with editors/nvim: open a config with a PL101 diagnostic, wait for it,
-- apply the quick fix through a code action, check the buffer, and wait for the diagnostic to
-- go. Run by run.sh: nvim --headless --clean -l test.lua REPO BINARY WORKDIR

local repo, binary, workdir = arg[1], arg[2], arg[3]

local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  os.exit(1)
end

local function check(condition, message)
  if not condition then
    fail(message)
  end
end

vim.opt.runtimepath:append(repo .. "/editors/nvim")
vim.cmd("filetype on")
vim.lsp.config("placement_lint", { cmd = { binary, "server" } })
vim.lsp.enable("placement_lint")

vim.cmd.edit(workdir .. "/wrangler.toml")
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == "toml", "filetype is " .. vim.bo[buf].filetype)

check(vim.wait(20000, function()
  return #vim.lsp.get_clients({ bufnr = buf, name = "placement_lint" }) > 0
end, 50), "the placement_lint client did not attach")
local client = vim.lsp.get_clients({ bufnr = buf, name = "placement_lint" })[1]
check(client.offset_encoding == "utf-8", "negotiated " .. tostring(client.offset_encoding))

local function hint_diagnostic()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == "PL101" then
      return d
    end
  end
end

check(vim.wait(20000, function() return hint_diagnostic() ~= nil end, 50),
  "no PL101 diagnostic: " .. vim.inspect(vim.diagnostic.get(buf)))
local diagnostic = hint_diagnostic()
check(diagnostic.source == "placement-lint", "source " .. tostring(diagnostic.source))
check(diagnostic.lnum == 7 and diagnostic.col == 0, "PL101 at " .. diagnostic.lnum .. ":" .. diagnostic.col)

-- The quick fix for the diagnostic under the cursor, applied without a prompt.
vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
vim.lsp.buf.code_action({
  context = { only = { "quickfix" } },
  filter = function(action) return action.kind == "quickfix" end,
  apply = true,
})

local expected = {
  "# A Worker with the legacy placement hint (PL101) — déjà vu 😀",
  'name = "api"',
  'main = "src/index.js"',
  'compatibility_date = "2025-06-01"',
  "",
  "[placement]",
  'mode = "smart"',
}
check(vim.wait(20000, function()
  return #vim.api.nvim_buf_get_lines(buf, 0, -1, false) == #expected
end, 50), "the quick fix was not applied: " .. vim.inspect(vim.api.nvim_buf_get_lines(buf, 0, -1, false)))
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
check(vim.deep_equal(lines, expected), "buffer after the fix: " .. vim.inspect(lines))

check(vim.wait(20000, function() return hint_diagnostic() == nil end, 50),
  "PL101 still reported after the fix")

-- Hover on the mode value documents Smart Placement.
vim.api.nvim_win_set_cursor(0, { 7, 8 })
local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
local response = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)
local hover = response and response[client.id] and response[client.id].result
check(hover and hover.contents.value:find("Smart Placement", 1, true),
  "hover: " .. vim.inspect(response))

print("ok: diagnostics, quick fix and hover in Neovim " .. tostring(vim.version()))
vim.lsp.stop_client(client.id)
os.exit(0)
