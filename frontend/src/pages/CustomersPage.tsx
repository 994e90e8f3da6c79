import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type DragEvent, type FormEvent } from 'react';
import {
  customersPath,
  downloadCustomerData,
  eraseCustomer,
  ImportRefused,
  money,
  share,
  uploadCustomerData,
  type Customer,
  type CustomerPage,
  type ImportProblem,
  type ImportProgress,
  type ImportResult,
} from '../api/customers';
import { api } from '../api/http';
import { useWorkspace } from '../app/auth';
import { Dialog } from '../board/Dialog';
import '../styles/customers.css';

const CUSTOMER_COLUMNS = 'external_id,email,first_name,last_name,gender,birth_date,city,country,income,signup_date';
// The API's page size (REST_FRAMEWORK PAGE_SIZE).
const PAGE_SIZE = 50;
const PURCHASE_COLUMNS = 'customer_external_id,product,amount,purchased_at[,channel,purchase_id]';

function DropZone({ label, hint, file, onFile }: { label: string; hint: string; file: File | null; onFile: (file: File | null) => void }) {
  const id = useId();
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) onFile(dropped);
  };
  return (
    <div
      className={`drop-zone ${over ? 'over' : ''} ${file ? 'chosen' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label htmlFor={id}>
        <strong>{label}</strong>
        <span className="muted">{file ? `${file.name} · ${(file.size / 1024).toFixed(1)} KB` : 'Drop a CSV here or choose a file'}</span>
      </label>
      <input id={id} type="file" accept=".csv,text/csv" onChange={(e) => onFile(e.target.files?.[0] ?? null)} />
      <code className="columns">{hint}</code>
      {file && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onFile(null)}>
          Remove {label.toLowerCase()}
        </button>
      )}
    </div>
  );
}

function ProgressBar({ progress }: { progress: ImportProgress }) {
  const pct = progress.fraction === null ? null : Math.round(progress.fraction * 100);
  const what =
    progress.phase === 'uploading' ? 'Uploading' : `Reading ${progress.phase}: ${progress.rows.toLocaleString()} rows`;
  return (
    <div className="import-progress" role="status" aria-live="polite">
      <div className="progress" aria-hidden="true">
        <i style={{ width: `${pct ?? 15}%` }} className={pct === null ? 'indeterminate' : ''} />
      </div>
      <span>
        {what}
        {pct !== null ? ` · ${pct}%` : ''}
      </span>
    </div>
  );
}

function ImportSummary({ result }: { result: ImportResult }) {
  const rows: [string, number][] = [
    ['New customers', result.created],
    ['Updated', result.updated],
    ['Merged by email', result.merged_by_email],
    ['Repeated rows', result.repeated_rows],
    ['Purchases added', result.purchases],
    ['Purchases already held', result.duplicate_purchases],
  ];
  return (
    <div className="import-report done" data-testid="customer-import-report">
      <p className="import-ok" role="status">
        Imported.
      </p>
      <dl className="import-stats">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function ImportProblems({ message, problems }: { message: string; problems: ImportProblem[] }) {
  return (
    <div className="import-report failed">
      <p className="form-error" role="alert">
        Nothing was imported: {message}. Fix these rows and import again.
      </p>
      <table className="table problems-table">
        <caption className="sr-only">Problems in the file</caption>
        <thead>
          <tr>
            {problems.some((p) => p.file) && <th scope="col">File</th>}
            <th scope="col">Line</th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p, index) => (
            <tr key={index}>
              {problems.some((q) => q.file) && <td>{p.file}</td>}
              <td>{p.line}</td>
              <td>{p.column ?? '—'}</td>
              <td>{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportPanel({ workspace, onImported }: { workspace: string; onImported: () => void }) {
  const [customers, setCustomers] = useState<File | null>(null);
  const [purchases, setPurchases] = useState<File | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [refused, setRefused] = useState<ImportRefused | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = progress !== null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setRefused(null);
    setError(null);
    setProgress({ phase: 'uploading', fraction: 0, rows: 0 });
    uploadCustomerData(workspace, { customers, purchases }, setProgress)
      .then((done) => {
        setResult(done);
        setCustomers(null);
        setPurchases(null);
        onImported();
      })
      .catch((failure: unknown) => {
        if (failure instanceof ImportRefused) setRefused(failure);
        else setError(failure instanceof Error ? failure.message : String(failure));
      })
      .finally(() => setProgress(null));
  };
  return (
    <section className="import-panel" aria-labelledby="import-heading">
      <h2 id="import-heading">Import customer data</h2>
      <p className="muted">
        Profiles merge by external id or email (blank cells keep what is stored; extra columns become attributes). Purchases already held are
        not added again. A file with a bad row changes nothing.
      </p>
      <form onSubmit={onSubmit} aria-label="Import customer data">
        <div className="drop-zones">
          <DropZone label="Customers CSV" hint={CUSTOMER_COLUMNS} file={customers} onFile={setCustomers} />
          <DropZone label="Purchases CSV" hint={PURCHASE_COLUMNS} file={purchases} onFile={setPurchases} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || (!customers && !purchases)}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      {progress && <ProgressBar progress={progress} />}
      {result && <ImportSummary result={result} />}
      {refused && <ImportProblems message={refused.message} problems={refused.problems} />}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Value({ label, figure, format }: { label: string; figure: Customer['values']['lifetime_value']; format: (v: number | null) => string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {format(figure.value)} {figure.source !== 'none' && <span className="muted small">({figure.source})</span>}
      </dd>
    </div>
  );
}

function CustomerDialog({ customer, canWrite, onClose, onErased }: { customer: Customer; canWrite: boolean; onClose: () => void; onErased: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const facts: [string, string][] = [
    ['External id', customer.external_id],
    ['Email', customer.email || '—'],
    ['Gender', customer.gender || '—'],
    ['Age', customer.age === null ? '—' : `${customer.age} (born ${customer.birth_date})`],
    ['City', [customer.city, customer.country].filter(Boolean).join(', ') || '—'],
    ['Income', money(customer.income)],
    ['Signed up', customer.signup_date ?? '—'],
  ];
  const run = (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    work()
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog title={customer.name || customer.external_id} onClose={onClose} wide>
      <dl className="customer-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        <Value label="Lifetime value" figure={customer.values.lifetime_value} format={money} />
        <Value label="Acquisition cost" figure={customer.values.acquisition_cost} format={money} />
        <Value label="Churn risk" figure={customer.values.churn_risk} format={share} />
        <Value label="Upsell potential" figure={customer.values.upsell_potential} format={share} />
      </dl>
      {Object.keys(customer.attributes).length > 0 && (
        <>
          <h3>Attributes</h3>
          <dl className="customer-facts">
            {Object.entries(customer.attributes).map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {canWrite && (
        <div className="privacy-actions">
          <h3>Data rights</h3>
          <p className="muted small">Both are recorded in the workspace's audit log.</p>
          <div className="btn-group">
            <button type="button" className="btn" disabled={busy} onClick={() => run(() => downloadCustomerData(customer))}>
              Export all data (JSON)
            </button>
            {!confirming && (
              <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
                Erase customer…
              </button>
            )}
          </div>
          {confirming && (
            <form
              className="erase-confirm"
              onSubmit={(e) => {
                e.preventDefault();
                run(async () => {
                  await eraseCustomer(customer.id);
                  onErased();
                });
              }}
            >
              <p>
                This deletes the profile, its purchases and its journey events everywhere, and cannot be undone. Type <code>{customer.external_id}</code> to
                confirm.
              </p>
              <label className="sr-only" htmlFor="erase-confirm-input">
                External id to confirm
              </label>
              <input id="erase-confirm-input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
              <button type="submit" className="btn btn-danger-solid" disabled={busy || typed !== customer.external_id}>
                Erase permanently
              </button>
            </form>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </Dialog>
  );
}

/** `/customers/`: the workspace's customer profiles, their import, and their data rights. */
export function CustomersPage() {
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const canWrite = membership?.role === 'owner' || membership?.role === 'editor';
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Customer | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const client = useQueryClient();
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(search);
      setPage(1);
    }, 300);
    return () => clearTimeout(timer);
  }, [search]);
  const customers = useQuery({
    queryKey: ['customers', workspace, page, query],
    queryFn: () => api<CustomerPage>(customersPath(workspace ?? '', page, query)),
    enabled: Boolean(workspace),
    placeholderData: keepPreviousData,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['customers', workspace] });
  const data = customers.data;
  const pages = data ? Math.max(1, Math.ceil(data.count / PAGE_SIZE)) : 1;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Customer data</p>
          <h1>Customers</h1>
          <p className="muted">The profiles segments are drawn from. Ages are computed from birth dates on the day you look.</p>
        </div>
      </div>
      {canWrite && workspace && <ImportPanel workspace={workspace} onImported={refresh} />}
      {notice && (
        <p className="import-ok" role="status">
          {notice}
        </p>
      )}
      <div className="matrix-controls">
        <label className="field-inline">
          <span>Search</span>
          <input type="search" aria-label="Search customers" placeholder="Id, name or email" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <span className="muted" aria-live="polite">
          {data ? `${data.count.toLocaleString()} customers` : ''}
        </span>
      </div>
      <table className="table customers-table">
        <caption className="sr-only">Customers</caption>
        <thead>
          <tr>
            <th scope="col">External id</th>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Age</th>
            <th scope="col">City</th>
            <th scope="col">Lifetime value</th>
            <th scope="col">Churn risk</th>
          </tr>
        </thead>
        <tbody>
          {(data?.results ?? []).map((customer) => (
            <tr key={customer.id}>
              <td>
                <button type="button" className="link-button" onClick={() => setOpen(customer)}>
                  {customer.external_id}
                </button>
              </td>
              <td>{customer.name || '—'}</td>
              <td>{customer.email || '—'}</td>
              <td>{customer.age ?? '—'}</td>
              <td>{customer.city || '—'}</td>
              <td>{money(customer.values.lifetime_value.value)}</td>
              <td>{share(customer.values.churn_risk.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.count === 0 && <p className="empty-inline">No customers yet{query ? ' match this search' : ''}.</p>}
      {data && (data.next || data.previous) && (
        <nav className="pager" aria-label="Customer pages">
          <button type="button" className="btn btn-sm" disabled={!data.previous} onClick={() => setPage((p) => p - 1)}>
            Previous
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" className="btn btn-sm" disabled={!data.next} onClick={() => setPage((p) => p + 1)}>
            Next
          </button>
        </nav>
      )}
      {open && (
        <CustomerDialog
          customer={open}
          canWrite={canWrite}
          onClose={() => setOpen(null)}
          onErased={() => {
            setNotice(`Erased customer ${open.external_id} everywhere.`);
            setOpen(null);
            void refresh();
          }}
        />
      )}
    </div>
  );
}
