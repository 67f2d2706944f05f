import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { apiGetPage, type ApiPage } from "../api/client.ts";

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  nextCursor: string | null;
  previousCursor: string | null;
  /** fetch again (after an action), keeping the current data on screen meanwhile */
  reload: () => void;
}

/** Loads `path` (null = nothing to load) and re-loads when it changes; stale answers are dropped. */
export function useApi<T>(path: string | null): ApiState<T> {
  const [page, setPage] = useState<ApiPage<T> | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [version, setVersion] = useState(0);
  const current = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const ticket = ++current.current;
    const controller = new AbortController();
    setLoading(true);
    apiGetPage<T>(path, controller.signal).then(
      (p) => {
        if (ticket !== current.current) return;
        setPage(p);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (ticket !== current.current || controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return {
    data: page?.data, error, loading, nextCursor: page?.nextCursor ?? null, previousCursor: page?.previousCursor ?? null, reload,
  };
}
