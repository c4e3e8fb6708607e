/** The id that ties a `request` to its `response`. */
export type RequestId = string | number;
