/** One server-sent event. `event` is absent for unnamed events (the `message` default). */
export interface SseFrame {
  event?: string;
  data: string;
  id?: string;
}
