/** A place in a LinkedQueue, held by the caller so the item can be removed in O(1). */
export interface QueueNode<T> {
  readonly value: T;
  prev: QueueNode<T> | undefined;
  next: QueueNode<T> | undefined;
}

/** A doubly linked FIFO: push at the back, look at the front, remove any node in O(1). */
export class LinkedQueue<T> {
  private head: QueueNode<T> | undefined;
  private tail: QueueNode<T> | undefined;
  private count = 0;

  push(value: T): QueueNode<T> {
    const node: QueueNode<T> = { value, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
    return node;
  }

  /** The oldest item still queued. */
  first(): T | undefined {
    return this.head?.value;
  }

  /** Removes a node this queue returned from push (once; the caller tracks whether it did). */
  remove(node: QueueNode<T>): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = undefined;
    this.count--;
  }

  get size(): number {
    return this.count;
  }
}
