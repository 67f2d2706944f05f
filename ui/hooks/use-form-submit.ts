import { useState } from "preact/hooks";
import { describeError } from "../api/client.ts";

/**
 * The busy flag and error text of a form that sends one request: `onSubmit(run)` prevents the
 * page reload, runs `run`, and turns a failure into words (`explain` may word some errors itself).
 */
export function useFormSubmit(explain: (err: unknown) => string = describeError) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const onSubmit = (run: () => Promise<void>) => async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit };
}
