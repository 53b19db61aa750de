// The organisations a console user may pick for organisational life: the
// tree from GET /orgs when the server has it, else the user's own grants.
import { listOrgs } from '../../api.js';
import { session } from '../../session.js';

export async function lifeOrgs() {
  try {
    const r = await listOrgs();
    const items = Array.isArray(r) ? r : r.items || [];
    if (items.length) return items.map((o) => ({ id: o.id, name: o.name, parent_id: o.parent_id ?? null, kind: o.kind }));
  } catch { /* fall back to the grants */ }
  const seen = new Map();
  for (const g of session.grants || []) {
    if (!seen.has(g.org_id)) seen.set(g.org_id, { id: g.org_id, name: g.org_name, parent_id: null });
  }
  return [...seen.values()];
}
