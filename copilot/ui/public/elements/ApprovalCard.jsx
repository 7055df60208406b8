import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { Badge } from "@/components/ui/badge";

// A proposed work order / decision record / report as a form (props come from copilot/ui/forms.py).
// Approvers edit the fields, add a comment and approve, save-and-approve or reject; others read it.
export default function ApprovalCard() {
  const [values, setValues] = useState(Object.fromEntries(props.fields.map((f) => [f.key, f.value])));
  const [comment, setComment] = useState("");
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [state, setState] = useState({ status: props.status, decidedBy: props.decidedBy, comment: props.comment,
                                       error: "", record: props.record || "" });
  const pending = state.status === "pending";
  const canDecide = props.canDecide && pending;

  async function decide(decision) {
    setBusy(true);
    try {
      const res = await callAction({ name: "decide", payload: { id: props.id, decision, comment,
                                                                  values: decision === "edit" ? values : null } });
      const out = (res && res.response) || {};
      setState({ status: out.status || state.status, decidedBy: out.decidedBy || state.decidedBy,
                 comment: out.comment || "", error: out.error || "", record: out.record || "" });
      if (!out.error) setEditing(false);
    } catch (e) {
      setState({ ...state, error: String(e) });
    } finally {
      setBusy(false);
    }
  }

  function field(f) {
    const value = values[f.key];
    const set = (v) => setValues({ ...values, [f.key]: v });
    const id = `${props.id}-${f.key}`;
    if (!editing) {
      const lines = f.widget === "list" ? value.split("\n").filter((l) => l.trim()) : null;
      return (
        <div key={f.key} className="grid grid-cols-[10rem_1fr] gap-2 py-1 border-b border-border last:border-0">
          <div className="text-sm font-medium text-muted-foreground">{f.label}</div>
          {lines ? (
            <ul className="list-disc pl-4 text-sm break-words">{lines.map((l, i) => <li key={i}>{l}</li>)}</ul>
          ) : (
            <div className="text-sm whitespace-pre-wrap break-words">{value || "—"}</div>
          )}
        </div>
      );
    }
    let input;
    if (f.widget === "choice") {
      input = (
        <select id={id} value={value} onChange={(e) => set(e.target.value)}
                className="h-9 rounded-md border border-input bg-background px-2 text-sm">
          {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      );
    } else if (f.widget === "text" || f.widget === "number") {
      input = <Input id={id} value={value} type={f.widget === "number" ? "number" : "text"}
                     onChange={(e) => set(e.target.value)} />;
    } else {
      input = <Textarea id={id} value={value} rows={Math.min(10, Math.max(2, value.split("\n").length))}
                        onChange={(e) => set(e.target.value)} />;
    }
    return (
      <div key={f.key} className="flex flex-col gap-1 py-1">
        <label htmlFor={id} className="text-sm font-medium">{f.label}{f.widget === "list" ? " (one per line)" : ""}</label>
        {input}
      </div>
    );
  }

  const tone = pending ? "secondary" : state.status === "approved" ? "default" : "destructive";
  return (
    <div className="approval-card w-full max-w-full rounded-lg border border-border p-4 flex flex-col gap-3" data-approval-id={props.id}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">Proposed {props.kindLabel.toLowerCase()}</span>
        <Badge variant={tone} className="approval-status">{state.status}</Badge>
        <span className="text-xs text-muted-foreground break-all">{props.id}</span>
      </div>
      {props.summary ? <div className="text-sm break-words">{props.summary}</div> : null}
      <div className="text-xs text-muted-foreground">
        Requested by <b>{props.requestedBy}</b> on {props.requestedAt.replace("T", " ").slice(0, 16)} UTC
      </div>
      <div className="flex flex-col">{props.fields.map(field)}</div>
      {!pending ? (
        <div className="text-sm approval-outcome">
          {props.kindLabel} {state.status} by <b>{state.decidedBy}</b>{state.comment ? ` — “${state.comment}”` : ""}
          {state.record ? `. Stored as ${state.record}.` : "."}
        </div>
      ) : null}
      {pending && !canDecide ? (
        <div className="text-sm">It <b>awaits approval</b> by a user with the approver role.</div>
      ) : null}
      {canDecide ? (
        <div className="flex flex-col gap-2">
          <Textarea placeholder="Comment (stored with the decision)" value={comment} rows={2}
                    aria-label="Decision comment" onChange={(e) => setComment(e.target.value)} />
          <div className="flex flex-wrap gap-2">
            {editing ? (
              <Button disabled={busy} onClick={() => decide("edit")}>Save and approve</Button>
            ) : (
              <Button disabled={busy} onClick={() => decide("approve")}>Approve</Button>
            )}
            <Button variant="outline" disabled={busy} onClick={() => setEditing(!editing)}>
              {editing ? "Cancel edit" : "Edit"}
            </Button>
            <Button variant="destructive" disabled={busy} onClick={() => decide("reject")}>Reject</Button>
          </div>
        </div>
      ) : null}
      {state.error ? <div className="text-sm text-red-600 approval-error">{state.error}</div> : null}
    </div>
  );
}
