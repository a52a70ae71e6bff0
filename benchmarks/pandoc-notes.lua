-- pandoc's reading of the book's print HTML (benchmarks/build.py, the pandoc → xelatex peer): the notes
-- and apparatus entries, spans of class "footnote" that WeasyPrint floats to the page foot, become
-- pandoc's notes, so that LaTeX sets them as footnotes too. The note calls' numbers come from the
-- footnote counter, as ours do from CSS.
function Span(span)
  if span.classes:includes("footnote") then
    return pandoc.Note(pandoc.Plain(span.content))
  end
end
