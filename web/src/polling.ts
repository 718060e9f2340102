import { useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
}

/** Loads now and every `intervalMs`, never overlapping requests; keeps the last good data on error. */
export function usePolling<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number, key: string): Polled<T> {
  const [result, setResult] = useState<Polled<T>>({ data: null, error: null, loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    setResult({ data: null, error: null, loading: true });
    const run = async () => {
      try {
        const data = await loadRef.current(controller.signal);
        if (!controller.signal.aborted) setResult({ data, error: null, loading: false });
      } catch (error) {
        if (!controller.signal.aborted) setResult((previous) => ({ data: previous.data, error, loading: false }));
      }
      if (!controller.signal.aborted) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key, intervalMs]);

  return result;
}
