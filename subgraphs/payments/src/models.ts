/** An order is owned by the orders subgraph; here it is only its key. */
export interface OrderRef {
  id: string;
}
