import { describe, expect, it } from "vitest";
import { expandNumbers } from "./numbers";

const read = (text: string) => expandNumbers(text).trim().replace(/\s+/g, " ");

describe("expandNumbers", () => {
  it("writes cardinals and ordinals as separate words", () => {
    expect(read("22")).toBe("twenty two");
    expect(read("101 ways")).toBe("one hundred one ways");
    expect(read("1,000,000")).toBe("one million");
    expect(read("3rd")).toBe("third");
    expect(read("the 21st night")).toBe("the twenty first night");
  });

  it("reads years the way they are said", () => {
    expect(read("1999")).toBe("nineteen ninety nine");
    expect(read("1905")).toBe("nineteen oh five");
    expect(read("1900")).toBe("nineteen hundred");
    expect(read("2005")).toBe("two thousand five");
    expect(read("2012")).toBe("twenty twelve");
  });

  it("reads decades, times, money, percentages and digits glued to words", () => {
    expect(read("the 80s")).toBe("the eighties");
    expect(read("9:30")).toBe("nine thirty");
    expect(read("5:00")).toBe("five o'clock");
    expect(read("$5")).toBe("five dollars");
    expect(read("100%")).toBe("one hundred percent");
    expect(read("4ever")).toBe("four ever");
    expect(read("3.5")).toBe("three point five");
  });

  it("reads numbers no one says as a whole digit by digit", () => {
    expect(read("007")).toBe("zero zero seven");
    expect(read("1234567890123456789")).toBe(
      "one two three four five six seven eight nine zero one two three four five six seven eight nine",
    );
  });

  it("leaves text without digits untouched", () => {
    expect(expandNumbers("hel-lo love+")).toBe("hel-lo love+");
  });
});
