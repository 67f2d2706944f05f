import { formatValue } from "../format.ts";

/** Key/value pairs as a two-column table; nested values are shown as JSON. */
export function KeyValueTable(props: { rows: [string, unknown][]; label?: string }) {
  const rows = props.rows.filter(([, v]) => v !== undefined && v !== null && v !== "");
  if (rows.length === 0) return null;
  return (
    <table class="kv" aria-label={props.label}>
      <tbody>
        {rows.map(([k, v], i) => (
          <tr key={`${k}-${i}`}>
            <th scope="row">{k}</th>
            <td><code>{formatValue(v)}</code></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
