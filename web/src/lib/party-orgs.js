// The party organisations the caller sees (GET /orgs), as a tree for el-tree-select:
// 党委, 党总支, 党支部 and 党小组, each under its parent.
import { listOrgs } from '../api.js';

export async function partyOrgTree() {
  let items = [];
  try { items = (await listOrgs()).items || []; } catch { items = []; }
  const nodes = items
    .filter((o) => ['committee', 'general_branch', 'branch', 'group'].includes(o.kind))
    .map((o) => ({ id: o.id, name: o.name, parent_id: o.parent_id, kind: o.kind, children: [] }));
  const map = new Map(nodes.map((n) => [n.id, n]));
  const roots = [];
  for (const n of nodes) (map.get(n.parent_id)?.children ?? roots).push(n);
  return roots;
}
