import type { ReactNode } from 'react';

export interface TableColumn<T> {
  key: string;
  label: string;
  sortable?: boolean;
  render: (row: T) => ReactNode;
}

/** A table whose sortable headers are buttons (keyboard friendly) and announce their order (aria-sort). */
export function DataTable<T extends { id: string }>({ rows, columns, sort, order, onSort, caption, empty = 'Nothing here yet.' }: {
  rows: T[];
  columns: TableColumn<T>[];
  sort?: string;
  order?: 'asc' | 'desc';
  onSort?: (key: string) => void;
  caption: string;
  empty?: string;
}) {
  return (
    <table className="data">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => {
            const active = sort === c.key;
            return (
              <th key={c.key} scope="col" aria-sort={active ? (order === 'desc' ? 'descending' : 'ascending') : undefined}>
                {c.sortable && onSort ? (
                  <button type="button" className="sort" onClick={() => onSort(c.key)}>
                    {c.label} <span aria-hidden="true">{active ? (order === 'desc' ? '▼' : '▲') : '↕'}</span>
                  </button>
                ) : c.label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr><td colSpan={columns.length} className="empty">{empty}</td></tr>
        ) : rows.map((row) => (
          <tr key={row.id}>{columns.map((c) => <td key={c.key}>{c.render(row)}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return String(value);
}
