/**
 * What `promise` gives, or, if it has not settled within `ms`, what `late()` gives (or
 * throws). The timer goes either way, so it never holds a stopping process open.
 */
export async function within<T, Late>(promise: Promise<T>, ms: number, late: () => Late): Promise<T | Late> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Late>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
