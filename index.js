// The package's entry point, kept for tooling that requires it; n8n loads the nodes and credentials
// listed under "n8n" in package.json.
module.exports = {};
